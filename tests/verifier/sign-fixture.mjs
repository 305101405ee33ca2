#!/usr/bin/env node
// Tests only: signs a credential (standard input) with the key pair of the W3C eddsa-rdfc-2022
// test vectors (a did:key), printing the signed credential. The portal's own credentials are
// signed by the portal (Python); this lets the tests make a credential that points at the
// portal's status list before the portal signs credentials itself.
//
//   node sign-fixture.mjs --contexts DIR --key-pair keyPair.json < credential.json

import {readFile} from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';

import {CONTEXT_FILES} from './verify.mjs';

function option(name) {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const contexts = option('--contexts') || process.env.CIL_CONTEXTS_DIR;
const keyPairFile = option('--key-pair');
const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const credential = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const {publicKeyMultibase, privateKeyMultibase} =
  JSON.parse(await readFile(keyPairFile, 'utf8'));
const controller = `did:key:${publicKeyMultibase}`;
const signer = (await Ed25519Multikey.from({
  id: `${controller}#${publicKeyMultibase}`,
  controller,
  publicKeyMultibase,
  secretKeyMultibase: privateKeyMultibase,
})).signer();
const documentLoader = async url => {
  if(!Object.hasOwn(CONTEXT_FILES, url)) {
    throw new Error(`No local copy of ${url}.`);
  }
  const document = JSON.parse(await readFile(path.join(contexts, CONTEXT_FILES[url]), 'utf8'));
  return {contextUrl: null, documentUrl: url, document};
};
const suite = new DataIntegrityProof({signer, cryptosuite: eddsaRdfc2022CryptoSuite});
const signed = await vc.issue({credential, suite, documentLoader});
process.stdout.write(JSON.stringify(signed) + '\n');
