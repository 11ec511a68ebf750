/**
 * GS1 mod-10 check digit (GS1 General Specifications §7.9.1): weights 3 and 1 alternate
 * from the rightmost data digit; the check digit brings the sum to a multiple of ten.
 * Serves GTIN-8/12/13/14, SSCC, GLN and GSIN alike.
 */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^[0-9]+$/.test(dataDigits))
    throw new RangeError('GS1 check digits are computed over digits only');
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidGs1CheckDigit(digits: string): boolean {
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

export const SSCC_LENGTH = 18;

/**
 * Build an SSCC: extension digit + GS1 company prefix + serial reference + check digit
 * (§2.2.1). The serial reference fills the digits the company prefix leaves free.
 */
export function mintSscc(companyPrefix: string, serial: number, extensionDigit = 0): string {
  if (!/^[0-9]{6,12}$/.test(companyPrefix)) {
    throw new RangeError('a GS1 company prefix has 6 to 12 digits');
  }
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) {
    throw new RangeError('the SSCC extension digit is one digit, 0 to 9');
  }
  const referenceDigits = SSCC_LENGTH - 2 - companyPrefix.length;
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10 ** referenceDigits) {
    throw new RangeError(
      `with a ${companyPrefix.length}-digit company prefix the SSCC serial is 0 to ${10 ** referenceDigits - 1}`,
    );
  }
  const data = `${extensionDigit}${companyPrefix}${String(serial).padStart(referenceDigits, '0')}`;
  return data + gs1CheckDigit(data);
}
