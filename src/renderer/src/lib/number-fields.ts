// Plain words for number fields the schema would only call "expected a number": memory and cores are whole
// numbers (Nomad's are integers), so "256.5" or "1,5" gets a message saying what to type instead. Pure.
import type { FormField, TaskForm } from './task-form';

const WHOLE: Array<[keyof TaskForm & FormField, string]> = [
  ['memory', 'memory is a whole number of MiB, e.g. 256'],
  ['cores', 'cores is a whole number, e.g. 2'],
];

/** Errors for number fields that hold a number but not a whole one. */
export function wholeNumberErrors(form: TaskForm): Partial<Record<FormField, string>> {
  const errors: Partial<Record<FormField, string>> = {};
  for (const [field, message] of WHOLE) {
    const v = String(form[field]).trim();
    if (/^\d*[.,]\d+$/.test(v) || /^\d+[.,]$/.test(v)) errors[field] = `${message} ("${v}" has a fraction)`;
  }
  return errors;
}
