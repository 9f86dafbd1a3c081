import autocannon from 'autocannon';
const [url, body, n, conns] = process.argv.slice(2);
const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, amount: Number(n), connections: Number(conns ?? 16) });
console.log('req', r.requests.total, 'rps', r.requests.average, 'non2xx', r.non2xx);
