/**
 * A worker thread of the generator: turns ranges of row indexes into COPY text, so generation and
 * tier evaluation use both cores while the main thread feeds PostgreSQL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPolicy } from '@psbook/core';
import { loadRulesets } from '../../packages/api/src/rules/load-rulesets.ts';
import { generateProject, projectCopyLines } from './generated-project.ts';

export type GeneratorJob = { start: number; end: number };
export type GeneratorChunk = { start: number; end: number; projects: string; canvases: string };

const { seed, total, rulesDir, createdBy } = workerData as { seed: number; total: number; rulesDir: string; createdBy: string };
const policy = createPolicy(loadRulesets(rulesDir));

parentPort!.on('message', async (job: GeneratorJob) => {
  const projects: string[] = [];
  const canvases: string[] = [];
  for (let i = job.start; i < job.end; i++) {
    const lines = await projectCopyLines(generateProject(seed, i, total), policy, createdBy);
    projects.push(lines.project);
    if (lines.canvas) canvases.push(lines.canvas);
  }
  const chunk: GeneratorChunk = {
    start: job.start,
    end: job.end,
    projects: projects.length ? `${projects.join('\n')}\n` : '',
    canvases: canvases.length ? `${canvases.join('\n')}\n` : '',
  };
  parentPort!.postMessage(chunk);
});
