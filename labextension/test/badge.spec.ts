import { badgeLevel, badgeText, badgeTooltip } from '../src/badge';
import type { Finding } from '../src/api';

const warning: Finding = {
  kind: 'hidden-state',
  cell_index: 3,
  cell_id: 'c',
  line: 2,
  message: "reads 'k', defined only in exploration cell 1",
  node: 'fit'
};

describe('badge', () => {
  it('reads name: inputs → outputs', () => {
    expect(badgeText({ name: 'fit', inputs: ['table', 'params:model'], outputs: ['model'] })).toBe(
      'fit: table, params:model → model'
    );
  });

  it('shows an empty side as ∅', () => {
    expect(badgeText({ name: 'load', inputs: [], outputs: ['raw'] })).toBe('load: ∅ → raw');
  });

  it('is a warning with findings, an error for syntax or a failed run', () => {
    expect(badgeLevel([])).toBe('ok');
    expect(badgeLevel([warning])).toBe('warning');
    expect(badgeLevel([{ ...warning, kind: 'syntax' }])).toBe('error');
    expect(badgeLevel([], true)).toBe('error');
  });

  it('lists each warning and the stale reason in the tooltip', () => {
    const tooltip = badgeTooltip(
      { name: 'fit', inputs: ['table'], outputs: ['model'], warnings: [warning] },
      ['clean']
    );
    expect(tooltip.split('\n')).toEqual([
      'fit: table → model',
      "line 2: hidden-state: reads 'k', defined only in exploration cell 1",
      'stale: upstream clean changed or ran after this cell last ran'
    ]);
  });
});
