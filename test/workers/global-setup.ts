/** Runs in Node: the LINE mock server the Worker under test talks to over HTTP. */
import type { TestProject } from 'vitest/node';
import { type LineMock, startLineMock } from '../helpers/line-mock.ts';

let mock: LineMock | undefined;

export async function setup(project: TestProject) {
  mock = await startLineMock();
  project.provide('lineMockUrl' as never, mock.url as never);
}

export async function teardown() {
  await mock?.close();
}
