import { describe, expect, it } from 'vitest';
import { createCancelToken, isTokenValid } from '../../src/dashboard/cancelToken.js';
import { hostPort, isAllowedHost, isSameOrigin } from '../../src/dashboard/requestGuards.js';

const SERVER = { host: '127.0.0.1', port: 7878 };

describe('isAllowedHost', () => {
  it('accepts IP literals and localhost on the server port', () => {
    for (const host of ['127.0.0.1:7878', 'localhost:7878', '[::1]:7878', '192.168.1.9:7878']) {
      expect(isAllowedHost({ host }, SERVER)).toBe(true);
    }
  });

  it('refuses other names (DNS rebinding), other ports, junk and no Host', () => {
    for (const host of [
      'evil.example:7878',
      '127.0.0.1:80',
      '127.0.0.1',
      'a b',
      'x@127.0.0.1:7878',
    ]) {
      expect(isAllowedHost({ host }, SERVER)).toBe(false);
    }
    expect(isAllowedHost({}, SERVER)).toBe(false);
  });

  it('accepts the name it was told to listen on', () => {
    expect(isAllowedHost({ host: 'box.lan:7878' }, { host: 'box.lan', port: 7878 })).toBe(true);
  });
});

describe('isSameOrigin', () => {
  it('accepts no Origin or this origin, refuses another', () => {
    expect(isSameOrigin({ host: '127.0.0.1:7878' })).toBe(true);
    expect(isSameOrigin({ host: '127.0.0.1:7878', origin: 'http://127.0.0.1:7878' })).toBe(true);
    expect(isSameOrigin({ host: '127.0.0.1:7878', origin: 'http://evil.example' })).toBe(false);
    expect(isSameOrigin({ host: '127.0.0.1:7878', origin: 'null' })).toBe(false);
  });
});

describe('hostPort', () => {
  it('brackets an IPv6 host', () => {
    expect(hostPort('::1', 80)).toBe('[::1]:80');
    expect(hostPort('127.0.0.1', 80)).toBe('127.0.0.1:80');
  });
});

describe('isTokenValid', () => {
  it('accepts exactly the token', () => {
    const token = createCancelToken();
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(createCancelToken()).not.toBe(token);
    expect(isTokenValid(token, token)).toBe(true);
    for (const given of [undefined, '', token.slice(1), `${token}x`, [token]]) {
      expect(isTokenValid(token, given)).toBe(false);
    }
  });
});
