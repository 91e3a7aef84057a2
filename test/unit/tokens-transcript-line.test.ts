import { parseTranscriptLine } from '../../src/core/tokens/transcript-line';

const assistant = (extra: Record<string, unknown>, message: Record<string, unknown>): string =>
  JSON.stringify({
    type: 'assistant',
    uuid: 'u-1',
    requestId: 'req_1',
    sessionId: 's-1',
    isSidechain: false,
    timestamp: '2025-10-01T10:00:00.000Z',
    ...extra,
    message: {
      id: 'msg_1',
      model: 'claude-sonnet-4-5-20250929',
      role: 'assistant',
      content: [{ type: 'text', text: 'hi' }],
      usage: {
        input_tokens: 3,
        output_tokens: 120,
        cache_creation_input_tokens: 5000,
        cache_read_input_tokens: 20000,
        cache_creation: { ephemeral_5m_input_tokens: 4000, ephemeral_1h_input_tokens: 1000 },
      },
      ...message,
    },
  });

describe('parseTranscriptLine', () => {
  it('reads an assistant line into a usage record keyed by message.id', () => {
    expect(parseTranscriptLine(assistant({}, {}))).toEqual({
      kind: 'usage',
      key: 'msg_1',
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        input_tokens: 3,
        output_tokens: 120,
        cache_creation_input_tokens: 5000,
        cache_creation_5m: 4000,
        cache_creation_1h: 1000,
        cache_read_input_tokens: 20000,
      },
      sessionId: 's-1',
      isSidechain: false,
      timestamp: '2025-10-01T10:00:00.000Z',
    });
  });

  it('falls back to requestId, then to the line uuid, for the key', () => {
    const noId = parseTranscriptLine(assistant({}, { id: undefined }));
    expect(noId).toMatchObject({ kind: 'usage', key: 'req_1' });
    const neither = parseTranscriptLine(assistant({ requestId: undefined }, { id: undefined }));
    expect(neither).toMatchObject({ kind: 'usage', key: 'u-1' });
    const none = parseTranscriptLine(assistant({ requestId: undefined, uuid: undefined }, { id: undefined }));
    expect(none).toEqual({ kind: 'skip', reason: 'no-key' });
  });

  it('treats a total without the 5m/1h split as 5-minute writes', () => {
    const line = assistant({}, { usage: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 700 } });
    expect(parseTranscriptLine(line)).toMatchObject({
      usage: {
        cache_creation_input_tokens: 700,
        cache_creation_5m: 700,
        cache_creation_1h: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('strips a trailing CR', () => {
    expect(parseTranscriptLine(assistant({}, {}) + '\r')).toMatchObject({ kind: 'usage', key: 'msg_1' });
  });

  it('marks the sidechain flag', () => {
    expect(parseTranscriptLine(assistant({ isSidechain: true }, {}))).toMatchObject({ isSidechain: true });
  });

  it('skips <synthetic> model lines', () => {
    expect(parseTranscriptLine(assistant({}, { model: '<synthetic>' }))).toEqual({ kind: 'skip', reason: 'synthetic' });
  });

  it('reads usage-limit API errors as limit records', () => {
    for (const text of ['Claude AI usage limit reached|1760000000', "You've hit your limit · resets 3pm"]) {
      const line = assistant({ isApiErrorMessage: true }, { model: '<synthetic>', content: [{ type: 'text', text }] });
      expect(parseTranscriptLine(line)).toEqual({ kind: 'limit', text, timestamp: '2025-10-01T10:00:00.000Z' });
    }
  });

  it('skips other API errors, including transient rate limits', () => {
    for (const text of ['API Error: 500 Internal server error', 'API Error: Rate limit reached for requests']) {
      const line = assistant({ isApiErrorMessage: true }, { model: '<synthetic>', content: [{ type: 'text', text }] });
      expect(parseTranscriptLine(line)).toEqual({ kind: 'skip', reason: 'api-error' });
    }
  });

  it.each([
    ['', 'blank'],
    ['\r', 'blank'],
    ['not json', 'not-json'],
    ['{"usage": truncated', 'not-json'],
    ['[1,2,"usage"]', 'not-json'],
    ['{"type":"summary","summary":"x","leafUuid":"y"}', 'no-usage'],
    ['{"type":"user","message":{"role":"user","content":"what is \\"usage\\"?"}}', 'no-usage'],
    ['{"type":"assistant","message":{"id":"m","usage":{"foo":1}}}', 'no-usage'],
  ])('skips %j as %s without throwing', (line, reason) => {
    expect(parseTranscriptLine(line)).toEqual({ kind: 'skip', reason });
  });

  it('clamps nonsense counts to 0 and names a missing model "unknown" (which is unpriced)', () => {
    const line = assistant(
      {},
      { model: undefined, usage: { input_tokens: -5, output_tokens: 'x', cache_read_input_tokens: 7 } },
    );
    expect(parseTranscriptLine(line)).toMatchObject({
      model: 'unknown',
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 7 },
    });
  });
});
