/**
 * Writes the OpenAPI document to openapi.json (for the linters and the generated client):
 * `npm run openapi -w @psbook/api`. A test checks the committed file is the one the code makes.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/app.ts';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
