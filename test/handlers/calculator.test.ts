import { describe, expect, it } from 'vitest';
import { calcRequest } from '../../src/handlers/calculator.ts';

const match = (intent: 'contribution_balance' | 'unknown', entities: Record<string, unknown>) => ({
  intent,
  confidence: 1,
  entities,
  alternatives: [],
  text: 'x',
});

describe('calcRequest', () => {
  it('reads "20,000 a month" as a wage per month, not one month of contributions', () => {
    expect(calcRequest(match('contribution_balance', { wage: 20000, months: 1 }))).toEqual({
      kind: 'contribution',
      wage: 20000,
    });
    expect(calcRequest(match('contribution_balance', { wage: 20000, months: 240 }))).toMatchObject({
      kind: 'pension',
      months: 240,
    });
  });

  it('a reason for leaving work means the unemployment estimate', () => {
    expect(calcRequest(match('unknown', { wage: 40000, cause: 'laid_off' }))).toEqual({
      kind: 'unemployment',
      wage: 40000,
      cause: 'laid_off',
    });
  });
});
