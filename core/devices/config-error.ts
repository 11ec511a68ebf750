import type { z } from 'zod';

/*
 * One sentence per bad option, naming the option as the config spells it
 * ("scanner option 'baudRate': …"), so a technician knows which field to fix.
 */
export function describeConfigIssues(device: string, issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => {
    const option = issue.path.map(String).join('.') || 'kind';
    return { option, message: `${device} option '${option}': ${issue.message}` };
  });
}
