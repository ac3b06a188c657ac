/**
 * What open data may publish of a project (DESIGN §1: the book is shared inside the government; open
 * data is what leaves it). Decided here, once, and applied by every open-data export:
 * - the fields in `internalProjectFields` never leave: the oversight inputs the factor registry marks
 *   internal (security facts — allowed downtime, data confidentiality), the reviewer role and lower
 *   bound derived from them, internal ids, versions, evaluation details and audit data;
 * - the budget of a project whose data confidentiality is in `budgetWithheldGrades` is withheld
 *   (`budgetWithheld: true`, the cell left empty): the size of the spend on a system that holds the
 *   most sensitive data is itself sensitive.
 */
import { oversightFactorRegistry, type TConfidentiality } from '../registry/domain-lists.ts';

/** Oversight inputs that never leave the government: the factor registry's `isPublic: false` entries. */
type FactorEntry = (typeof oversightFactorRegistry.entries)[number];
type InternalFactor = Extract<FactorEntry, { isPublic: false }>;
type InternalInput = InternalFactor['input'];
const internalInputs = oversightFactorRegistry.entries.filter((f): f is InternalFactor => !f.isPublic).map((f) => f.input);

/** Project fields that are not oversight inputs and never leave the government. */
const internalRecordFields = [
  'reviewerRole',
  'tierLowerBound',
  'oversight',
  'rulesetVersion',
  'version',
  'createdBy',
  'updatedBy',
  'updatedAt',
  'searchText',
  'searchGrams',
] as const;

/** Project fields that never leave the government. Everything an open-data export writes is checked against this list. */
export const internalProjectFields: readonly ('id' | InternalInput | (typeof internalRecordFields)[number])[] = [
  'id',
  ...internalInputs,
  ...internalRecordFields,
];
export type TInternalProjectField = (typeof internalProjectFields)[number];

export const isInternalProjectField = (key: string): boolean => (internalProjectFields as readonly string[]).includes(key);

/** Confidentiality grades whose projects' budgets open data withholds. */
export const budgetWithheldGrades: readonly TConfidentiality[] = ['A'];

/** Whether open data withholds this project's budget. */
export const isBudgetWithheld = (row: { confidentiality: string | null }): boolean =>
  (budgetWithheldGrades as readonly (string | null)[]).includes(row.confidentiality);

/** What an open-data download says of itself (the JSON export's head, the API description). */
export const openDataDescription = {
  dataset: 'PS Book projects (open data)',
  excludedFields: internalProjectFields.filter((f) => f !== 'searchText' && f !== 'searchGrams'),
  budgetPolicy: `budgetJpy is withheld (null, budgetWithheld: true) for projects whose data confidentiality is ${budgetWithheldGrades.join(' or ')}`,
};
