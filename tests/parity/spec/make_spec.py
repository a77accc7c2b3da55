"""Regenerate the parity suite's vendored reference files from Twilio's full files.

    python tests/parity/spec/make_spec.py ../shared/reference

Writes `conversations_v1.operations.json`, the list of every operation of Twilio's Conversations
v1 OpenAPI description (method, path, operationId), which docs/parity.md's coverage table
lists, and copies Twilio's subsets unchanged, with their example responses:
`twilio_api_v2010.openapi.subset.json` (the 2010-04-01 Accounts and IncomingPhoneNumbers
paths), `twilio_messaging_v1.openapi.subset.json` (Messaging Services) and
`twilio_studio_v2.openapi.subset.json` (Studio Flows). The Conversations examples come from
tests/emulator/spec/, already vendored. See NOTICE.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL = "twilio_conversations_v1.openapi.json"
SUBSETS = (
    "twilio_api_v2010.openapi.subset.json",
    "twilio_messaging_v1.openapi.subset.json",
    "twilio_studio_v2.openapi.subset.json",
)
INDEX = "conversations_v1.operations.json"
METHODS = ("get", "post", "delete")


def main(reference: Path) -> None:
    raw = (reference / FULL).read_bytes()
    spec = json.loads(raw)
    operations = [
        {"method": method.upper(), "path": path, "operationId": item[method]["operationId"]}
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item
    ]
    index = {
        "source": FULL,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "info": spec["info"],
        "operations": operations,
    }
    (HERE / INDEX).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    print(f"{INDEX}: {len(operations)} operations")
    for name in SUBSETS:
        shutil.copyfile(reference / name, HERE / name)
        print(f"{name}: sha256 {hashlib.sha256((reference / name).read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
