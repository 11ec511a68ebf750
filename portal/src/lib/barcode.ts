/**
 * Barcodes as SVG markup, drawn in the browser by bwip-js (loaded on first use: it is large).
 * The text is always one of our own codes (uppercase alphanumerics), never markup.
 */
export async function barcodeSvg(text: string, type: 'code128' | 'qrcode'): Promise<string> {
  const bwip = await import('bwip-js/browser');
  return bwip.toSVG(
    type === 'code128'
      ? { bcid: 'code128', text, scale: 2, height: 14, includetext: true, textxalign: 'center' }
      : { bcid: 'qrcode', text, scale: 3 },
  );
}
