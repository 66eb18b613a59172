// The OpenID provider the OIDC tests sign in with (tests/oidc/conftest.py starts it on the loopback): panva's
// certified oidc-provider, one static client (greenmfg), the test accounts below, and a small log-in form of its
// own whose "second factor" box decides whether the ID token's amr names one (["pwd", "otp", "mfa"]) or not
// (["pwd"]).
//
//   OIDC_PORT=9001 OIDC_REDIRECT_URIS='["http://127.0.0.1:5000/login/oidc/callback"]' node server.js
//
// It prints "listening <issuer>" once it answers.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 9001);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = JSON.parse(process.env.OIDC_REDIRECT_URIS || '[]');
const postLogoutUris = JSON.parse(process.env.OIDC_POST_LOGOUT_URIS || '[]');

// the accounts of the province's unified identity service: enterprises (法人) carry their unified social credit
// code in the "uscc" claim, staff their staff id in "preferred_username"
const ACCOUNTS = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-provider-1', use: 'sig', alg: 'RS256' };

const configuration = {
  clients: [{
    client_id: 'greenmfg',
    client_secret: process.env.OIDC_CLIENT_SECRET || 'greenmfg-test-client-secret',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['greenmfg-test-provider-cookie-key'] },
  claims: {
    // how the user signed in (amr, RFC 8176) goes into every ID token, as the province's service sends it
    acr: null, amr: null, auth_time: null, sid: null, iss: null,
    openid: ['sub', 'amr', 'auth_time'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    uscc: ['uscc'],
  },
  scopes: ['openid', 'profile', 'email', 'uscc'],
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // a first-party client: the user is never asked to consent (the grant is made here)
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email uscc');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
};

const provider = new Provider(issuer, configuration);
const callback = provider.callback();

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证</title></head><body>${body}</body></html>`);
}

function loginForm(uid, error) {
  return `<h1>统一身份认证平台（测试）</h1>${error ? `<p id="error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>账号 <input name="login" id="login" autocomplete="off"></label>
<label><input type="checkbox" name="mfa" value="1" id="mfa"> 已用第二因素（短信/令牌）</label>
<button type="submit" id="provider-submit">登录</button></form>`;
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function interaction(req, res, url) {
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'wrong interaction');
  if (req.method === 'GET') return page(res, 200, loginForm(uid));
  if (req.method === 'POST' && action === 'login') {
    const form = await body(req);
    const login = (form.get('login') || '').trim();
    if (!ACCOUNTS[login]) return page(res, 200, loginForm(uid, '账号不存在'));
    const mfa = form.get('mfa') === '1';
    const result = { login: { accountId: login, amr: mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'], remember: false } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return page(res, 405, 'method not allowed');
}

http.createServer((req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((err) => page(res, 500, String(err)));
    return;
  }
  callback(req, res);
}).listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
