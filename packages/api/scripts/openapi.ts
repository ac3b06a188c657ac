/**
 * Writes the OpenAPI document (packages/api/openapi.json, read by the linters) and the TypeScript types
 * generated from it by openapi-typescript (packages/core/src/generated/api.ts, read by the UI and by
 * clients through openapi-fetch): `npm run openapi -w @psbook/api`. A test fails when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { documentFile, generatedDocument, generatedTypes, typesFile } from './openapi-files.ts';

writeFileSync(documentFile, generatedDocument());
writeFileSync(typesFile, await generatedTypes());
console.log(`wrote ${documentFile.pathname} and ${typesFile.pathname}`);
