import * as http from 'node:http';
import * as net from 'node:net';

/** A forward proxy on loopback: absolute-URI requests for http://, CONNECT tunnels for https://; it records what it was asked for. */
export class RecordingProxy {
  readonly hosts: string[] = [];
  readonly authorizations: (string | undefined)[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly refuse = false) {
    this.server = http.createServer((request, response) => {
      const target = new URL(request.url ?? '');
      if (!this.admit(target.host, request.headers['proxy-authorization'])) return void response.writeHead(407, { 'Proxy-Authenticate': 'Basic' }).end();
      const upstream = http.request(target, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
    this.server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      if (!this.admit(request.url ?? '', request.headers['proxy-authorization'])) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [host, port] = (request.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => (socket === client ? upstream : client).destroy());
      }
    });
  }

  private admit(host: string, authorization: string | undefined): boolean {
    this.hosts.push(host);
    this.authorizations.push(authorization);
    return !this.refuse;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
