/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import type { AxiosRequestConfig } from 'axios';

import type { GetUri } from '../lib/url';
import { compileQueryRedaction, RequestUrls, requestUrls, requestUrlString } from '../lib/url';
import { axios } from './support/telemetry';

// url.full must be the URL axios requests. Without params the path is joined by
// the instrumentation itself (axios' getUri costs more than the rest of the
// span), so it is checked here against axios' own getUri, case by case.
describe('requestUrlString: the same URL as axios.getUri', () => {
  const getUri = axios.Axios.prototype.getUri as unknown as GetUri;
  /** The href the instrumentation parses out of requestUrlString's answer. */
  function resolvedHref(config: AxiosRequestConfig, defaults?: AxiosRequestConfig, cache?: RequestUrls): string | undefined {
    const href = requestUrlString(getUri, config, defaults, cache);
    try {
      return href === undefined ? undefined : new URL(href).href;
    } catch {
      return undefined;
    }
  }

  const cases: Array<[string, AxiosRequestConfig, AxiosRequestConfig?]> = [
    ['an absolute URL', { url: 'http://example.com/a/b?c=1' }],
    ['baseURL and a relative path', { baseURL: 'http://example.com/api', url: '/users' }],
    ['baseURL with a trailing slash', { baseURL: 'http://example.com/api/', url: 'users' }],
    ['baseURL with a double trailing slash and leading slashes', { baseURL: 'http://example.com/api//', url: 'users//' }],
    ['a url of three slashes (protocol-relative to axios)', { baseURL: 'http://example.com/api', url: '///users' }],
    ['baseURL and no url', { baseURL: 'http://example.com/api' }],
    ['baseURL and an empty url', { baseURL: 'http://example.com/api', url: '' }],
    ['baseURL and an absolute url', { baseURL: 'http://example.com/api', url: 'https://other.example/x' }],
    ['a protocol-relative url with a baseURL', { baseURL: 'http://example.com', url: '//cdn.example/x' }],
    ['allowAbsoluteUrls false', { baseURL: 'http://example.com/api', url: 'https://other.example/x', allowAbsoluteUrls: false }],
    ['params as an object', { url: 'http://example.com/s', params: { q: 'a b', page: 2, empty: null } }],
    ['params added to a query and a hash', { url: 'http://example.com/s?x=1#frag', params: { q: 'é' } }],
    ['params as URLSearchParams', { url: 'http://example.com/s', params: new URLSearchParams({ a: '1' }) }],
    ['empty URLSearchParams', { url: 'http://example.com/s#frag', params: new URLSearchParams() }],
    ['a paramsSerializer function', { url: 'http://example.com/s', params: { a: 1 }, paramsSerializer: () => 'custom=1' }],
    ['instance params merged with the call params', { url: '/s', params: { b: 2 } }, { baseURL: 'http://example.com', params: { a: 1 } }],
    ['instance baseURL for a call without one', { url: '/s' }, { baseURL: 'http://example.com/v1' }],
    ['the call baseURL over the instance one', { baseURL: 'http://call.example', url: '/s' }, { baseURL: 'http://instance.example' }],
  ];

  for (const [name, config, defaults] of cases) {
    it(name, () => {
      let expected: string | undefined;
      try {
        expected = new URL(axios.create(defaults).getUri(config)).href;
      } catch {
        expected = undefined; // axios' adapter cannot parse it either
      }
      assert.strictEqual(resolvedHref(config, defaults), expected);
      // The instrumentation passes its cache of joined paths: the first answer joins, the second is remembered.
      const cache = requestUrls(compileQueryRedaction([]));
      assert.strictEqual(resolvedHref(config, defaults, cache), expected, 'through the cache');
      assert.strictEqual(resolvedHref(config, defaults, cache), expected, 'from the cache');
    });
  }

  it('the cache of joined paths holds at most its capacity, and joins the same again after dropping them', () => {
    const cache = requestUrls(compileQueryRedaction([]), 2);
    const first = cache.fullPath('http://h/api/', '/a');
    assert.strictEqual(first, 'http://h/api/a');
    assert.strictEqual(cache.fullPath('http://h/api/', '/a'), first);
    assert.strictEqual(cache.fullPath('http://h/api', 'b'), 'http://h/api/b');
    assert.strictEqual(cache.fullPath('http://h/', 'https://other.example/x'), 'https://other.example/x', 'an absolute url wins');
    assert.strictEqual(cache.fullPath('http://h/api/', '/a'), 'http://h/api/a');
    assert.strictEqual(cache.fullPath('http://h///', ''), 'http://h///', 'an empty url leaves baseURL as it is, as axios does');
  });

  it('a relative URL with no baseURL gives no URL', () => {
    assert.strictEqual(resolvedHref({ url: '/relative' }), undefined);
  });

  it('an unparseable URL gives no URL', () => {
    assert.strictEqual(resolvedHref({ url: 'http://exa mple.com:99999/' }), undefined);
  });
});
