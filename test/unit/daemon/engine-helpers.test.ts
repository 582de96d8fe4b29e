import { describe, expect, it } from 'vitest';
import { daemonTag, parseDockerHost } from '../../../src/daemon/index.js';
import { errorBodyMessage, parseLoadMessages } from '../../../src/daemon/engine-errors.js';

describe('parseDockerHost', () => {
  it('defaults to the standard socket', () => {
    expect(parseDockerHost(undefined)).toEqual({ display: 'unix:///var/run/docker.sock', origin: 'http://docker', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('').socketPath).toBe('/var/run/docker.sock');
  });
  it('reads unix:// and tcp:// hosts', () => {
    expect(parseDockerHost('unix:///run/podman/podman.sock')).toMatchObject({ socketPath: '/run/podman/podman.sock', display: 'unix:///run/podman/podman.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ display: 'tcp://127.0.0.1:2375', origin: 'http://127.0.0.1:2375' });
  });
  it('refuses what it cannot speak, with ERR_DAEMON', () => {
    expect(() => parseDockerHost('ssh://me@host')).toThrow(expect.objectContaining({ code: 'ERR_DAEMON', message: expect.stringContaining("unsupported DOCKER_HOST 'ssh://me@host'") }));
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(/must be absolute/);
    expect(() => parseDockerHost('tcp://host')).toThrow(/tcp:\/\/host:port/);
  });
});

describe('daemonTag', () => {
  it('qualifies names as Docker reads them', () => {
    expect(daemonTag('app')).toEqual({ repo: 'docker.io/library/app', tag: 'latest' });
    expect(daemonTag('org/app:1.0')).toEqual({ repo: 'docker.io/org/app', tag: '1.0' });
    expect(daemonTag('index.docker.io/org/app:2')).toEqual({ repo: 'docker.io/org/app', tag: '2' });
    expect(daemonTag('127.0.0.1:5000/a/b:c')).toEqual({ repo: '127.0.0.1:5000/a/b', tag: 'c' });
    expect(daemonTag('localhost/app')).toEqual({ repo: 'localhost/app', tag: 'latest' });
  });
  it('refuses digest references and invalid names', () => {
    expect(() => daemonTag(`app@sha256:${'a'.repeat(64)}`)).toThrow(expect.objectContaining({ code: 'ERR_IMAGE_REF' }));
    expect(() => daemonTag('App:1')).toThrow(expect.objectContaining({ code: 'ERR_IMAGE_REF' }));
  });
});

describe('Engine API error bodies', () => {
  it('takes the JSON message of Docker and podman errors', () => {
    expect(errorBodyMessage(500, '{"cause":"x","message":"failed to load image: bad","response":500}')).toBe('HTTP 500: failed to load image: bad');
    expect(errorBodyMessage(404, 'page not found\n')).toBe('HTTP 404: page not found');
    expect(errorBodyMessage(502, '')).toBe('HTTP 502');
  });
  it('finds an error in a load message stream, newline separated or not', () => {
    expect(parseLoadMessages('{"stream":"Loaded image: a:b\\n"}\n')).toEqual({ messages: ['Loaded image: a:b'] });
    expect(parseLoadMessages('{"stream":"x"}{"errorDetail":{"message":"bad {layer}"},"error":"bad {layer}"}')).toEqual({ messages: ['x'], error: 'bad {layer}' });
    expect(parseLoadMessages('{"errorDetail":{"message":"only detail"}}').error).toBe('only detail');
  });
});
