/**
 * The properties of key-persistence.md, section 5: one record per property, with its statement
 * (the spec's words), the rules it comes from, the events it quantifies over, and its plan on a
 * site (subjects, expected verdicts, searches). `kpm check`, the property suites and the reports
 * all name properties by these IDs and loop over these records; test/catalogue.test.ts holds them
 * equal to the spec.
 */
import { lookupsOf, type Lookups } from '../topology/lookups.ts';
import type { Topology } from '../../models/topology.ts';
import type { AlphabetName } from './alphabets.ts';
import { AV } from './av.ts';
import { LV } from './lv.ts';
import { notApplicable, type Plan, type SubjectPlan } from './plan.ts';
import { SEC } from './sec.ts';

export type PropertyId =
  | 'SEC-01'
  | 'SEC-02'
  | 'SEC-03'
  | 'SEC-04'
  | 'SEC-05'
  | 'SEC-06'
  | 'SEC-07'
  | 'AV-01'
  | 'AV-02'
  | 'AV-03'
  | 'AV-04'
  | 'AV-05'
  | 'AV-06'
  | 'AV-07'
  | 'AV-08'
  | 'AV-09'
  | 'AV-10'
  | 'LV-01';

export interface PropertyRecord {
  id: PropertyId;
  /** The property, word for word as section 5 states it. */
  statement: string;
  /** The "Expected" column of section 5 (AV and LV only). */
  expected?: string;
  /** The rules it comes from (section 5, "From"). */
  from: readonly string[];
  /** The events it quantifies over. */
  alphabet: AlphabetName;
  /** Its subjects on a site, each with its expected verdict and check; none: not applicable there. */
  subjects(site: Lookups): SubjectPlan[];
}

/** In the order of section 5. */
export const PROPERTIES: readonly PropertyRecord[] = [...SEC, ...AV, ...LV];

export function propertyRecord(id: PropertyId): PropertyRecord {
  const found = PROPERTIES.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no property ${id}`);
  return found;
}

/** The plan of every property on a site, in catalogue order; one `not-applicable` plan where a property has no subject. */
export function plans(topology: Topology): Plan[] {
  const site = lookupsOf(topology);
  return PROPERTIES.flatMap((record) => {
    const subjects = record.subjects(site);
    return (subjects.length > 0 ? subjects : [notApplicable]).map((plan) => ({
      ...plan,
      id: record.id,
      alphabet: record.alphabet,
    }));
  });
}
