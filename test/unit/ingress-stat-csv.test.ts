import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatCsv, splitCsvLine } from '../../electron/control-plane/ingress/stat-csv.ts';

// A real `show stat` answer of HAProxy 2.6: frontend fe_a, backend be_a with servers r_1 and r_2 (both DOWN).
const REAL = readFileSync(join(import.meta.dirname, 'fixtures', 'haproxy-2.6-show-stat.csv'), 'utf8');

test('a real show stat answer: one row per proxy and server, typed', () => {
  const rows = parseStatCsv(REAL);
  assert.deepEqual(
    rows.map((r) => [r.pxname, r.svname, r.type]),
    [
      ['fe_a', 'FRONTEND', 'frontend'],
      ['be_a', 'r_1', 'server'],
      ['be_a', 'r_2', 'server'],
      ['be_a', 'BACKEND', 'backend'],
    ],
  );
  const r1 = rows[1]!;
  assert.equal(r1.status, 'DOWN');
  assert.equal(r1.scur, 0);
  assert.equal(r1.weight, 1);
  assert.equal(r1.checkStatus, 'L4CON');
  assert.equal(r1.checkDesc, 'Layer4 connection problem');
  assert.equal(r1.addr, '127.0.0.1:9001');
  assert.equal(rows[0]!.status, 'OPEN');
  assert.equal(rows[0]!.checkStatus, null);
  assert.equal(rows[0]!.addr, null);
  assert.equal(rows[0]!.weight, null);
});

test('columns are found by name, numbers parse, quoted fields keep their commas', () => {
  const text = '# svname,pxname,type,scur,status,weight,check_desc,addr,stot\nr_1,be_x,2,7,DRAIN,0,"refused, ""twice""",10.0.0.1:80,42\n\n';
  assert.deepEqual(parseStatCsv(text), [
    { pxname: 'be_x', svname: 'r_1', type: 'server', status: 'DRAIN', scur: 7, stot: 42, weight: 0, lbtot: null, checkStatus: '', checkDesc: 'refused, "twice"', addr: '10.0.0.1:80', reqTot: null, rate: null, rtime: null, ttime: null, hrsp5xx: null, iid: null, act: null },
  ]);
});

test('splitCsvLine keeps empty fields', () => {
  assert.deepEqual(splitCsvLine('a,,b,'), ['a', '', 'b', '']);
  assert.deepEqual(splitCsvLine('"x,y",z'), ['x,y', 'z']);
});

test('an answer that is not show stat CSV is refused', () => {
  assert.throws(() => parseStatCsv('Unknown command\n'), /without its CSV header/);
  assert.throws(() => parseStatCsv('# pxname,svname\nfe,FRONTEND\n'), /no type column/);
  assert.throws(() => parseStatCsv('# pxname,svname,type,status,scur\nfe,FRONTEND,9,OPEN,0\n'), /unknown type/);
});

test('several answers in one (show stat of some proxies): each header is skipped, rows cut at the wanted columns', () => {
  const header = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,type,iid,req_tot';
  const text = `${header}\nbe_a,r_1,0,0,1,2,,10,UP,2,3,9\n\n${header}\nbe_b,r_2,0,0,0,0,,5,UP,2,4,\n\n`;
  const rows = parseStatCsv(text);
  assert.deepEqual(rows.map((r) => [r.pxname, r.svname, r.scur, r.stot, r.iid, r.reqTot]), [['be_a', 'r_1', 1, 10, 3, 9], ['be_b', 'r_2', 0, 5, 4, null]]);
  assert.throws(() => parseStatCsv(`${header}\nbe_a,r_1,0,0,1,2,,10,UP,2,3,9\n# pxname,svname,type,status,scur\n`), /second header/);
});
