#!/usr/bin/env node
// An independent verifier of the portal's verifiable credentials, for the test suite: Digital
// Bazaar's libraries check what the portal's Python code signs and publishes.
//
//   node verify.mjs [--contexts DIR] [--base-url URL] [--unsigned-status-lists] [--any-issuer]
//                   [FILE | -]
//
// Reads one credential (a file, or standard input with "-" or no argument), verifies its Data
// Integrity proof (eddsa-rdfc-2022) and, if it has a credentialStatus, its Bitstring Status
// List entry; prints {"verified": bool, "revoked": bool|null, "errors": [...]} and exits 0
// (1 only when the verifier itself cannot run).
//
// Offline by design: the document loader never goes out to the network.
// - JSON-LD contexts come from local files in the contexts folder: --contexts DIR, or the
//   environment variable CIL_CONTEXTS_DIR (the test helper tests/support/verifier.py sets it).
//   Each context URL maps to a file name in CONTEXT_FILES below.
// - did:key DIDs are resolved here (Ed25519 Multikey).
// - did:web DIDs and http(s) documents (status lists) are fetched with HTTP GET, and only from
//   the origin of --base-url (the portal under test, http://127.0.0.1:PORT). did:web maps to
//   http:// for 127.0.0.1 and localhost only, https:// otherwise, as the did:web method says:
//   did:web:127.0.0.1%3A8000 -> http://127.0.0.1:8000/.well-known/did.json.
// - --unsigned-status-lists checks the status list without verifying the status list
//   credential's own proof (for lists served before the portal signs them).
// - --any-issuer accepts a proof by a key whose controller is not the credential's issuer
//   (an assertion proof only): the W3C test vector is signed with a did:key but names another
//   issuer. Without it, as for the portal's own credentials, the issuer must be the
//   controller of the signing key.

import {readFile} from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import {pathToFileURL} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import jsigs from 'jsonld-signatures';

const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

// Context URL -> file in the contexts folder (the project's copies of the specifications').
export const CONTEXT_FILES = {
  'https://www.w3.org/ns/credentials/v2': 'credentials_v2.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2': 'credentials_examples_v2.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'bitstring-status-list_v1.jsonld',
  'https://w3id.org/security/multikey/v1': 'security_multikey_v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'security_data-integrity_v2.jsonld',
  'https://w3id.org/security/jwk/v1': 'security_jwk_v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob_v3p0_context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob_v3p0_context-3.0.2.json',
};

function parseArgs(argv) {
  const options = {
    contexts: process.env.CIL_CONTEXTS_DIR,
    baseUrl: null,
    unsignedStatusLists: false,
    anyIssuer: false,
    input: '-',
  };
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(arg === '--contexts') {
      options.contexts = argv[++i];
    } else if(arg === '--base-url') {
      options.baseUrl = argv[++i];
    } else if(arg === '--unsigned-status-lists') {
      options.unsignedStatusLists = true;
    } else if(arg === '--any-issuer') {
      options.anyIssuer = true;
    } else if(arg.startsWith('--')) {
      throw new Error(`Unknown option ${arg}.`);
    } else {
      options.input = arg;
    }
  }
  if(!options.contexts) {
    throw new Error('Give the contexts folder: --contexts DIR or CIL_CONTEXTS_DIR.');
  }
  return options;
}

async function readInput(input) {
  if(input !== '-') {
    return readFile(input, 'utf8');
  }
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// did:web:host[%3Aport][:path...] -> the URL of its DID document.
export function didWebUrl(did) {
  const [host, ...segments] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const hostname = host.replace(/:\d+$/, '');
  const local = hostname === '127.0.0.1' || hostname === 'localhost';
  const scheme = local ? 'http' : 'https';
  const where = segments.length ? segments.join('/') : '.well-known';
  return `${scheme}://${host}/${where}/did.json`;
}

async function resolveDidKey(did) {
  const fingerprint = did.slice('did:key:'.length);
  const key = await Ed25519Multikey.from({
    id: `${did}#${fingerprint}`,
    controller: did,
    publicKeyMultibase: fingerprint,
  });
  const method = await key.export({publicKey: true, includeContext: false});
  return {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: did,
    verificationMethod: [method],
    authentication: [method.id],
    assertionMethod: [method.id],
    capabilityDelegation: [method.id],
    capabilityInvocation: [method.id],
  };
}

function makeDocumentLoader({contexts, baseUrl}) {
  const base = baseUrl ? new URL(baseUrl) : null;
  const cache = new Map();

  async function httpGet(url) {
    const target = new URL(url);
    if(!base || target.origin !== base.origin) {
      throw new Error(`Refusing to fetch ${url}: only ${base ? base.origin : 'no origin'} ` +
        'is reachable (give --base-url).');
    }
    const response = await fetch(target, {
      headers: {accept: 'application/vc+ld+json, application/ld+json, application/json'},
      redirect: 'error',
      signal: AbortSignal.timeout(10000),
    });
    if(!response.ok) {
      throw new Error(`GET ${url} answered ${response.status}.`);
    }
    return response.json();
  }

  async function load(url) {
    if(Object.hasOwn(CONTEXT_FILES, url)) {
      return JSON.parse(await readFile(path.join(contexts, CONTEXT_FILES[url]), 'utf8'));
    }
    const [did, fragment] = url.split('#');
    if(did.startsWith('did:key:') || did.startsWith('did:web:')) {
      const document = did.startsWith('did:key:') ?
        await resolveDidKey(did) : await httpGet(didWebUrl(did));
      if(document.id !== did) {
        throw new Error(`The DID document of ${did} names itself ${document.id}.`);
      }
      if(fragment === undefined) {
        return document;
      }
      const method = (document.verificationMethod || []).find(
        vm => vm.id === url || vm.id === `#${fragment}` || `${did}${vm.id}` === url);
      if(!method) {
        throw new Error(`${did} has no verification method ${url}.`);
      }
      return {'@context': MULTIKEY_CONTEXT_V1, ...method, id: url};
    }
    if(url.startsWith('http://') || url.startsWith('https://')) {
      return httpGet(url);
    }
    throw new Error(`No document for ${url} (offline document loader).`);
  }

  return async url => {
    if(!cache.has(url)) {
      cache.set(url, load(url));
    }
    try {
      return {contextUrl: null, documentUrl: url, document: structuredClone(await cache.get(url))};
    } catch(error) {
      cache.delete(url);
      throw error;
    }
  };
}

function messages(error) {
  if(!error) {
    return [];
  }
  const list = Array.isArray(error) ? error : [error];
  return list.flatMap(e => {
    const nested = e.errors || (e.cause ? [e.cause] : []);
    return [e.message || String(e), ...messages(nested.length ? nested : null)];
  });
}

export async function verify(credential, options) {
  const documentLoader = makeDocumentLoader(options);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    ...(options.anyIssuer ? {purpose: new jsigs.purposes.AssertionProofPurpose()} : {}),
    checkStatus: statusOptions => checkStatus({
      ...statusOptions,
      verifyBitstringStatusListCredential: !options.unsignedStatusLists,
    }),
  });
  const errors = messages(result.error);
  let revoked = null;
  const status = result.statusResult;
  if(status) {
    errors.push(...messages(status.error));
    if(status.verified) {
      revoked = status.results.some(
        r => r.credentialStatus.statusPurpose === 'revocation' && r.status === true);
    }
  }
  for(const proofResult of result.results || []) {
    if(!proofResult.verified) {
      errors.push(...messages(proofResult.error));
    }
  }
  return {verified: result.verified === true, revoked, errors: [...new Set(errors)]};
}

async function main() {
  let options;
  let credential;
  try {
    options = parseArgs(process.argv.slice(2));
    credential = JSON.parse(await readInput(options.input));
  } catch(error) {
    process.stderr.write(`verify.mjs: ${error.message}\n`);
    process.exit(1);
  }
  let result;
  try {
    result = await verify(credential, options);
  } catch(error) {
    result = {verified: false, revoked: null, errors: messages(error)};
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

// Run as a script (sign-fixture.mjs imports CONTEXT_FILES from here).
if(import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
