"""The embedded broker: kombu's filesystem transport, with messages that appear whole.

kombu's own `_put` creates the message file in the queue folder and only then writes it, so a
consumer may pick up an empty file, fail to decode it and stop the worker (kombu issue #1551).
Here a message is written beside the queue under a name consumers ignore and renamed into place
once complete (a rename is atomic on POSIX file systems).
"""

import os
import uuid
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

ALIAS = "sunbeckn-filesystem"


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: dict, **kwargs: object) -> None:
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")  # not '<queue>.msg'
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add {final!r} to the queue") from exc


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES[ALIAS] = "config.broker:Transport"
