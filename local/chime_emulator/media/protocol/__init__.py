"""The Chime SDK signaling protocol: our ``signaling.proto``, its generated module and the framing.

``signaling.proto`` is derived from the compiled protocol module in the amazon-chime-sdk-js npm
package; ``signaling_pb2`` is generated from it (``make proto``) and never edited by hand;
:mod:`.framing` puts the SDK's one-byte prefix on a frame and takes it off.
"""
