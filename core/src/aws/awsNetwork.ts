import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SmctError } from '../errors';

/**
 * How smct's AWS calls reach AWS: through which proxy, past which hosts, trusting which CAs. The
 * AWS SDK for JavaScript v3 reads none of HTTPS_PROXY, NO_PROXY or AWS_CA_BUNDLE itself
 * (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-proxies.html),
 * so smct reads them as the AWS CLI does and gives the SDK agents that apply them.
 */
export interface AwsNetwork {
  /** The proxy for https:// endpoints (HTTPS_PROXY / https_proxy). */
  readonly httpsProxy?: URL;
  /** The proxy for http:// endpoints, such as a local emulator (HTTP_PROXY / http_proxy). */
  readonly httpProxy?: URL;
  /** NO_PROXY / no_proxy entries, lower-cased. */
  readonly noProxy: readonly string[];
  /** Node's CAs plus AWS_CA_BUNDLE's, when it is set. */
  readonly ca?: readonly string[];
  /** false only when the editor's http.proxyStrictSSL says so. */
  readonly rejectUnauthorized: boolean;
}

/** Reads the proxy and CA variables; an unreadable AWS_CA_BUNDLE or a proxy that is not a URL stops here, with its name. */
export function awsNetwork(env: NodeJS.ProcessEnv = process.env, rejectUnauthorized = true): AwsNetwork {
  return {
    httpsProxy: proxyUrl(env, 'HTTPS_PROXY'),
    httpProxy: proxyUrl(env, 'HTTP_PROXY'),
    noProxy: (variable(env, 'NO_PROXY') ?? '')
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
    ca: caBundle(env),
    rejectUnauthorized,
  };
}

/** Upper case first, then lower (curl reads only the lower-case http_proxy; both are common). */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return (env[name] || env[name.toLowerCase()] || '').trim() || undefined;
}

function proxyUrl(env: NodeJS.ProcessEnv, name: string): URL | undefined {
  const value = variable(env, name);
  if (!value) return undefined;
  // A bare host:port means an http proxy, as curl and the AWS CLI take it.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SmctError('USAGE', `${name} is not a proxy URL such as http://proxy.example.com:3128 (it is "${withoutCredentials(text)}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SmctError('USAGE', `${name} must be an http:// or https:// proxy URL (it is ${url.protocol}//${url.host}).`);
  }
  return url;
}

/** The proxy URL as it may be shown: the user name and password never are. */
export function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

function caBundle(env: NodeJS.ProcessEnv): string[] | undefined {
  const file = env.AWS_CA_BUNDLE?.trim();
  if (!file) return undefined;
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SmctError('USAGE', `AWS_CA_BUNDLE names ${file}, which cannot be read (${reason}); point it at a PEM file of CA certificates or unset it.`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SmctError('USAGE', `AWS_CA_BUNDLE names ${file}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  // Added to Node's own CAs, as the AWS CLI adds its bundle: AWS's certificates stay trusted.
  return [...tls.rootCertificates, pem];
}

/**
 * Whether NO_PROXY sends `host`:`port` straight to it. Decided as curl does: `*` is every host; an
 * entry matches the host itself and its subdomains (`example.com` and `.example.com` both match
 * `s3.example.com`); an entry with `:port` matches that port only; an IP address matches itself
 * (no CIDR ranges).
 */
export function bypassesProxy(host: string, port: number, noProxy: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const [, entryHost, entryPort] = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(entry) ?? [];
    if (!entryHost) return false;
    if (entryPort && Number(entryPort) !== port) return false;
    const suffix = entryHost.replace(/^\*?\./, '');
    return name === suffix || name.endsWith(`.${suffix}`);
  });
}

/** The agents NodeHttpHandler is given: keep-alive as the SDK's own default, the CAs, and the proxy unless NO_PROXY says otherwise. */
export function awsAgents(network: AwsNetwork): { httpAgent: http.Agent; httpsAgent: http.Agent } {
  const tlsOptions = { ca: network.ca as string[] | undefined, rejectUnauthorized: network.rejectUnauthorized };
  const direct = { http: new http.Agent({ keepAlive: true, maxSockets: 50 }), https: new https.Agent({ keepAlive: true, maxSockets: 50, ...tlsOptions }) };
  return {
    httpAgent: network.httpProxy ? new RoutingProxyAgent(network.httpProxy, network.noProxy, direct, tlsOptions) : direct.http,
    httpsAgent: network.httpsProxy ? new RoutingProxyAgent(network.httpsProxy, network.noProxy, direct, tlsOptions) : direct.https,
  };
}

type DirectAgents = { readonly http: http.Agent; readonly https: https.Agent };

/**
 * Tunnels each request through the proxy with CONNECT (for http:// endpoints too, so one kind of
 * proxy request carries every call), except for the hosts NO_PROXY names, which go direct.
 */
class RoutingProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly noProxy: readonly string[],
    private readonly direct: DirectAgents,
    private readonly tlsOptions: https.AgentOptions,
  ) {
    super(proxy.href, { keepAlive: true, maxSockets: 50, ...tlsOptions });
  }

  override async connect(request: http.ClientRequest, options: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    const port = Number(options.port) || (options.secureEndpoint ? 443 : 80);
    // agent-base hands the request to an agent that connect() returns (its documented delegation); the base type says Socket only.
    if (bypassesProxy(options.host ?? '', port, this.noProxy)) return (options.secureEndpoint ? this.direct.https : this.direct.http) as unknown as net.Socket;
    // The TLS options for the endpoint's handshake inside the tunnel: the SDK's request carries none.
    // The tunnel's handshake is given no host, so for an IP endpoint Node would check the
    // certificate against "localhost": it is checked against the endpoint's host here.
    if (!options.secureEndpoint) return super.connect(request, options);
    const host = options.host ?? '';
    const checkServerIdentity = (_: string, certificate: tls.PeerCertificate) => tls.checkServerIdentity(host, certificate);
    return super.connect(request, { ...options, ...this.tlsOptions, checkServerIdentity });
  }
}
