import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  fitWidths,
  formatRow,
  padEnd,
  renderTable,
  terminalColumns,
  truncate,
  wrap,
} from '../../src/ui/table.js';

const bold = (s: string) => `\u001B[1m${s}\u001B[22m`;
const red = (s: string) => `\u001B[31m${s}\u001B[39m`;
const strip = stripVTControlCharacters;
const widths = (text: string) => text.trimEnd().split('\n').map(displayWidth);

describe('display width', () => {
  it('counts CJK and emoji as two columns and colour codes as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('李雷')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('👩‍💻')).toBe(2);
    expect(displayWidth(bold('ab'))).toBe(2);
  });

  it('truncate cuts by columns, never inside a wide character or a grapheme, and keeps colours', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
    expect(truncate('日本語テキスト', 7)).toBe('日本語…');
    expect(truncate('日本語テキスト', 6)).toBe('日本…');
    expect(truncate('ab👩‍💻cd', 4)).toBe('ab…');
    expect(truncate(bold('abcdef'), 4)).toBe(bold('abc…'));
    expect(displayWidth(truncate('日本語テキスト', 6))).toBeLessThanOrEqual(6);
  });

  it('padEnd pads to columns', () => {
    expect(padEnd('李', 4)).toBe('李  ');
    expect(padEnd(red('a'), 3)).toBe(`${red('a')}  `);
  });

  it('wrap breaks at spaces, inside a word only when it must, and carries colours over', () => {
    expect(wrap('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('日本語のテキスト', 6)).toEqual(['日本語', 'のテキ', 'スト']);
    const lines = wrap(red('missing s3:GetObject grant'), 12);
    expect(lines.map(strip)).toEqual(['missing', 's3:GetObject', 'grant']);
    expect(lines[0]).toBe('\u001B[31mmissing\u001B[0m');
    expect(lines[1]).toBe('\u001B[31ms3:GetObject\u001B[0m');
    expect(lines[2]).toBe('\u001B[31mgrant\u001B[39m');
  });

  it('terminalColumns is the width of a terminal, and undefined for a pipe or file', () => {
    expect(terminalColumns({ isTTY: true, columns: 91 })).toBe(91);
    expect(terminalColumns({ isTTY: false, columns: 91 })).toBeUndefined();
    expect(terminalColumns({})).toBeUndefined();
  });
});

describe('renderTable', () => {
  it('aligns ASCII as before: padded columns, an unpadded last one, no trailing spaces', () => {
    expect(
      renderTable(
        [
          ['a', 'bb', 'x'],
          ['ccc', 'd', ''],
        ],
        { head: ['H1', 'H2', 'H3'] },
      ),
    ).toBe('H1   H2  H3\na    bb  x\nccc  d\n');
  });

  it('aligns CJK and emoji cells by display width', () => {
    const out = renderTable(
      [
        ['李雷', 'Project', 'ok'],
        ['alice', '🚀 release', 'ok'],
        ['テスト🚀', 'x', 'ok'],
      ],
      { head: ['USER', 'WHAT', 'CODE'] },
    );
    expect(out).toBe(
      [
        'USER      WHAT        CODE',
        '李雷      Project     ok',
        'alice     🚀 release  ok',
        'テスト🚀  x           ok',
        '',
      ].join('\n'),
    );
    // Every CODE starts in the same terminal column.
    const starts = out
      .trimEnd()
      .split('\n')
      .map((l) => displayWidth(l.slice(0, l.lastIndexOf(l.endsWith('CODE') ? 'CODE' : 'ok'))));
    expect(new Set(starts).size).toBe(1);
  });

  it('ignores colour codes when measuring', () => {
    expect(strip(renderTable([[bold('a'), 'b']], { head: ['XYZ', 'W'] }))).toBe('XYZ  W\na    b\n');
  });

  it('caps columns at maxColumnWidth with an ellipsis (CJK cut by columns)', () => {
    expect(renderTable([['x'.repeat(10), '日本語テキスト', 'end']], { maxColumnWidth: 5 })).toBe(
      'xxxx…  日本…  end\n',
    );
  });

  it('on a narrow terminal narrows the widest column first until every line fits', () => {
    const rows = [
      ['Git', 'commit', 'Commit changes to the branch of a project, with a message'],
      ['Project', 'releaseProject', 'Release a project: tag it and build its artefacts'],
    ];
    const wide = renderTable(rows, { head: ['ENTITY', 'QUERY', 'DESCRIPTION'], columns: 200 });
    expect(wide).toBe(renderTable(rows, { head: ['ENTITY', 'QUERY', 'DESCRIPTION'] }));
    const narrow = renderTable(rows, { head: ['ENTITY', 'QUERY', 'DESCRIPTION'], columns: 40 });
    expect(narrow).toBe(
      [
        'ENTITY   QUERY           DESCRIPTION',
        'Git      commit          Commit changes…',
        'Project  releaseProject  Release a proj…',
        '',
      ].join('\n'),
    );
    expect(Math.max(...widths(narrow))).toBeLessThanOrEqual(40);
    // Narrower still: once the description is as narrow as the query column, both give way in turn.
    const tiny = renderTable(rows, { head: ['ENTITY', 'QUERY', 'DESCRIPTION'], columns: 30 });
    expect(Math.max(...widths(tiny))).toBeLessThanOrEqual(30);
    expect(tiny.split('\n')[2]).toBe('Project  releaseP…  Release a…');
  });

  it('with overflow "wrap" keeps every word, on further lines under their column', () => {
    const out = renderTable(
      [
        ['✔ bucket-policy', 'The policy grants everything Prophecy needs'],
        ['✖ encryption', red('Default encryption is off; turn on SSE-S3 or SSE-KMS')],
      ],
      { columns: 50, overflow: 'wrap', maxColumnWidth: Number.POSITIVE_INFINITY, minWidths: [99, 10] },
    );
    expect(out.split('\n').map(strip)).toEqual([
      '✔ bucket-policy  The policy grants everything',
      '                 Prophecy needs',
      '✖ encryption     Default encryption is off; turn',
      '                 on SSE-S3 or SSE-KMS',
      '',
    ]);
    expect(Math.max(...widths(out))).toBeLessThanOrEqual(50);
  });
});

describe('fitWidths and formatRow (the streaming table)', () => {
  it('keeps widths without a terminal, and cuts an unbounded column to what is left', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(fitWidths([20, 10, inf], undefined, 1)).toEqual([20, 10, inf]);
    expect(fitWidths([20, 10, inf], 60, 1, [20, 10, 8])).toEqual([20, 10, 28]);
    // Below every minimum there is nothing more to take: the line is left to wrap in the terminal.
    expect(fitWidths([20, 10, inf], 20, 1, [20, 10, 8])).toEqual([20, 10, 8]);
  });

  it('formats one row to fixed widths: cut, padded, the last column unpadded', () => {
    expect(formatRow(['2026-11-24', '李雷@acme.io', 'x'], [10, 8, 5], { gap: ' ' })).toBe(
      '2026-11-24 李雷@ac… x\n',
    );
    expect(formatRow(['a', '', ''], [3, 3, 3])).toBe('a\n');
  });
});
