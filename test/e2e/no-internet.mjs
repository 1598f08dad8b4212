// Preloaded into the host by startHost({ noInternet: true }) (node --import): a desk without a connection.
// Every name but localhost fails to resolve, so a call to a real gateway fails as unreachable, the way it
// does offline, and never depends on whether the machine running the tests has internet.
import dns from 'node:dns';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1']);
const notFound = (hostname) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });

const lookup = dns.lookup;
dns.lookup = function offlineLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (LOCAL.has(hostname)) return lookup.call(dns, hostname, options, callback);
  process.nextTick(() => cb(notFound(hostname)));
  return {};
};
const lookupAsync = dns.promises.lookup;
dns.promises.lookup = async function offlineLookupAsync(hostname, options) {
  if (LOCAL.has(hostname)) return lookupAsync.call(dns.promises, hostname, options);
  throw notFound(hostname);
};
