"""Oracle for test/unit/yaml-errors.test.ts: how gcloud's YAML loader (ruamel) words a syntax error.

Reads a JSON list of YAML texts on stdin; writes a JSON list of {"ok": true} or {"message": str}
(the text after gcloud's "Failed to parse YAML: " prefix).
"""
import json
import os
import sys
import warnings

LIB = os.environ.get('GCLOUD_SDK_LIB', '/usr/lib/google-cloud-sdk/lib')
sys.path[:0] = [LIB, os.path.join(LIB, 'third_party')]
warnings.simplefilter('ignore')

from googlecloudsdk.core import yaml  # noqa: E402

PREFIX = 'Failed to parse YAML: '
results = []
for text in json.load(sys.stdin):
    try:
        yaml.load(text)
        results.append({'ok': True})
    except yaml.YAMLParseError as e:
        message = str(e)
        results.append({'message': message[len(PREFIX):] if message.startswith(PREFIX) else message})
json.dump(results, sys.stdout)
