// A scan result whose every untrusted field carries text GFM would turn into a link: `www.` domains,
// bare URLs of several schemes, emails, in any case.
import { hostileResult as base } from '../../../__fixtures__/scan-reports/reports'
import type { ScanResult } from '../../../src/scan/types'

export const BAIT =
  'www.evil.example WWW.Evil.Example/x https://evil.example/a HTTP://evil.example ftp://evil.example ' +
  'mallory@evil.example mailto:m@evil.example xmpp:m@evil.example (www.evil.example) *www.evil.example*'

export const TIMES_FOR_TESTS = {
  startedAt: '2025-01-02T03:04:05.000Z',
  finishedAt: '2025-01-02T03:04:09.500Z'
}

const file = 'www.evil.example/https://evil.example/mallory@evil.example/Dockerfile'

export const hostileResult: ScanResult = {
  ...base,
  file,
  profile: { ...base.profile, args: ['--label', BAIT] },
  findings: base.findings.map(f => ({
    ...f,
    file,
    message: BAIT,
    properties: { user: BAIT },
    ...(f.suppression ? { suppression: { ...f.suppression, justification: BAIT } } : {})
  })),
  measurement: base.measurement?.probe && {
    ...base.measurement,
    probe: {
      ...base.measurement.probe,
      identity: { ...base.measurement.probe.identity, user_name: BAIT, group_name: BAIT }
    }
  },
  rows: base.rows.map(r => ({ ...r, dockerfile: BAIT, deployment: BAIT, measured: BAIT, reason: BAIT })),
  notMeasuredReason: BAIT,
  notifications: [{ level: 'warning', kind: 'probe-failed', message: BAIT, file, line: 2 }]
}
