import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../../src-shared/ipc/index.js';
import { dispatch } from '../../../src-main/ipc/dispatch.js';
import { createServices } from '../../../src-main/services/compose.js';
import type { DialogPort } from '../../../src-main/services/dialog-port.js';
import { VerifyJobs } from '../../../src-main/services/verify-jobs.js';
import {
  ORIGIN,
  buildLog,
  exportFrom,
  tempDir,
  trustJson,
  writeJson,
} from '../../integration/verify/fixture.js';

let bundle: string;
let trust: string;
let work: string;

beforeAll(async () => {
  work = tempDir('qtrust-verify-jobs-');
  const db = await buildLog(work);
  bundle = join(work, 'bundle');
  await exportFrom(db, bundle, { type: 'full' });
  trust = writeJson(join(work, 'trust.json'), trustJson());
}, 60_000);

afterAll(() => undefined);

function dialog(answers: { bundle?: unknown; trust?: unknown }): DialogPort {
  return {
    chooseBundleFolder: () => Promise.resolve((answers.bundle ?? null) as string | null),
    chooseTrustFile: () => Promise.resolve((answers.trust ?? null) as string | null),
  };
}

async function settle(jobs: VerifyJobs, job: string) {
  await jobs.close();
  return jobs.status({ job });
}

describe('VerifyJobs', () => {
  it('answers null when the person cancels, and mints ids only for real choices', async () => {
    const jobs = new VerifyJobs({ dialog: dialog({}), workers: 0 });
    expect(await jobs.chooseBundle()).toEqual({ bundle: null });
    expect(await jobs.chooseTrust()).toEqual({ trust: null });
  });

  it('refuses unusable dialog answers', async () => {
    for (const bad of ['relative/path', '', 42, '/tmp/x\0y']) {
      const jobs = new VerifyJobs({ dialog: dialog({ bundle: bad, trust: bad }), workers: 0 });
      await expect(jobs.chooseBundle()).rejects.toMatchObject({ code: 'QT_DIALOG' });
      await expect(jobs.chooseTrust()).rejects.toMatchObject({ code: 'QT_DIALOG' });
    }
    const file = new VerifyJobs({ dialog: dialog({ bundle: trust }), workers: 0 });
    await expect(file.chooseBundle()).rejects.toMatchObject({ code: 'QT_BUNDLE_NOT_FOUND' });
  });

  it('parses the trust file when chosen: a broken one is refused at once', async () => {
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"version":1,"logs":[]}');
    const jobs = new VerifyJobs({ dialog: dialog({ trust: broken }), workers: 0 });
    await expect(jobs.chooseTrust()).rejects.toMatchObject({ code: 'QT_TRUST_INVALID' });
  });

  it('verifies a chosen bundle with progress, and answers in the contract shape', async () => {
    const jobs = new VerifyJobs({ dialog: dialog({ bundle, trust }), workers: 0 });
    const b = await jobs.chooseBundle();
    const t = await jobs.chooseTrust();
    expect(CONTRACT.writeChooseBundle.response.safeParse(b).success).toBe(true);
    expect(CONTRACT.writeChooseTrust.response.safeParse(t).success).toBe(true);
    expect(t.trust?.logs).toEqual([ORIGIN]);
    const { job } = jobs.start({ bundle: b.bundle?.id as string, trust: t.trust?.id as string });
    expect(job).toMatch(/^[0-9a-f]{32}$/);
    expect(jobs.status({ job }).state).toBe('running');
    // One job at a time.
    expect(() => jobs.start({ bundle: b.bundle?.id as string, trust: t.trust?.id as string })).toThrow(
      expect.objectContaining({ code: 'QT_VERIFY_BUSY' }),
    );
    const done = await settle(jobs, job);
    expect(CONTRACT.readVerifyJob.response.safeParse(done).success).toBe(true);
    expect(done.state).toBe('done');
    expect(done.report?.ok).toBe(true);
    expect(done.done).toBe(done.total);
    expect(done.done).toBeGreaterThan(0);
  });

  it('reports a damaged bundle as a failed job only when it cannot be read at all', async () => {
    const empty = tempDir('qtrust-not-a-bundle-');
    const jobs = new VerifyJobs({ dialog: dialog({ bundle: empty, trust }), workers: 0 });
    const b = await jobs.chooseBundle();
    const t = await jobs.chooseTrust();
    const { job } = jobs.start({ bundle: b.bundle?.id as string, trust: t.trust?.id as string });
    const s = await settle(jobs, job);
    expect(s.state).toBe('failed');
    expect(s.error?.code).toBe('QT_BUNDLE_NOT_FOUND');
    expect(s.report).toBeNull();
  });

  it('refuses ids it never minted', async () => {
    const jobs = new VerifyJobs({ dialog: dialog({ bundle, trust }), workers: 0 });
    const b = await jobs.chooseBundle();
    expect(() => jobs.start({ bundle: 'f'.repeat(32), trust: 'f'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'QT_CHOICE_UNKNOWN' }),
    );
    expect(() => jobs.start({ bundle: b.bundle?.id as string, trust: 'f'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'QT_CHOICE_UNKNOWN' }),
    );
    expect(() => jobs.status({ job: 'a'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'QT_JOB_NOT_FOUND' }),
    );
  });

  it('requires a dialog port', () => {
    expect(() => new VerifyJobs({} as never)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    expect(() => new VerifyJobs({ dialog: { chooseBundleFolder: () => null } } as never)).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
  });
});

describe('the Verify channels over dispatch', () => {
  it('never take a path from the renderer: only minted ids', async () => {
    const home = tempDir('qtrust-home-');
    const services = createServices({
      home,
      tenant: 't1',
      appVersion: '0',
      platform: 'linux',
      dialog: dialog({ bundle, trust }),
      verifyWorkers: 0,
    });
    for (const request of [
      { bundle: bundle, trust: trust },
      { bundle: '../../etc', trust: 'x' },
      { bundle: 'A'.repeat(32), trust: 'a'.repeat(32) },
      { bundle: 'a'.repeat(32), trust: 'a'.repeat(32), path: '/etc/passwd' },
    ]) {
      expect(await dispatch(services, 'writeStartVerify', request)).toMatchObject({
        ok: false,
        code: 'QT_BAD_REQUEST',
      });
    }
    expect(await dispatch(services, 'writeChooseBundle', { path: '/etc' })).toMatchObject({
      ok: false,
      code: 'QT_BAD_REQUEST',
    });
    const chosen = await dispatch(services, 'writeChooseBundle', {});
    expect(chosen).toMatchObject({ ok: true, value: { bundle: { name: 'bundle', path: bundle } } });
    expect(await dispatch(services, 'readEvidenceHead', {})).toEqual({ ok: true, value: { logs: [] } });
    expect(
      await dispatch(services, 'readEvidenceRecords', { log: ORIGIN, filter: {}, offset: 0, limit: 201 }),
    ).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
    expect(
      await dispatch(services, 'readEvidenceRecords', {
        log: ORIGIN,
        filter: { sql: '1' },
        offset: 0,
        limit: 5,
      }),
    ).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
    expect(
      await dispatch(services, 'readEvidenceRecords', { log: ORIGIN, filter: {}, offset: 0, limit: 5 }),
    ).toMatchObject({ ok: false, code: 'QT_LOG_NOT_FOUND' });
  });
});
