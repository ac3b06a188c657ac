/** Names every exported schema of core and of the route modules as a component (see nameSchemas). */
import * as core from '@psbook/core';
import * as admin from './admin.ts';
import * as auth from './auth.ts';
import * as budgetCycles from './budget-cycles.ts';
import * as canvas from './canvas.ts';
import { nameSchemas } from './conventions.ts';
import * as documents from './documents.ts';
import * as exports from './exports.ts';
import * as health from './health.ts';
import * as history from './history.ts';
import * as imports from './imports.ts';
import * as kpis from './kpis.ts';
import * as notifications from './notifications.ts';
import * as oidc from './oidc.ts';
import * as oversight from './oversight.ts';
import * as procurements from './procurements.ts';
import * as projects from './projects.ts';
import * as releaseRequests from './release-requests.ts';
import * as reviews from './reviews.ts';
import * as rules from './rules.ts';
import * as rulesetVersions from './ruleset-versions.ts';
import * as stats from './stats.ts';
import * as supervision from './supervision.ts';
import * as techReviews from './tech-reviews.ts';
import * as tierDecreases from './tier-decreases.ts';
import * as tokens from './tokens.ts';
import * as transitions from './transitions.ts';
import * as yearlyReviews from './yearly-reviews.ts';

nameSchemas([
  core,
  admin,
  auth,
  budgetCycles,
  canvas,
  documents,
  exports,
  health,
  history,
  imports,
  kpis,
  notifications,
  oidc,
  oversight,
  procurements,
  projects,
  releaseRequests,
  reviews,
  rules,
  rulesetVersions,
  stats,
  supervision,
  techReviews,
  tierDecreases,
  tokens,
  transitions,
  yearlyReviews,
]);
