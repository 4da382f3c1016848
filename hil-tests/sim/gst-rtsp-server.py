#!/usr/bin/python3
"""An RTSP server from GStreamer's gst-rtsp-server (Debian's gir1.2-gst-rtsp-server-1.0), an
implementation the project did not write, serving test streams as cameras encode them:
  /h264b  H.264 Main profile with B-frames (what many cameras' main streams are)
  /h265   H.265, the default of many Chinese cameras
  /intercom  H.264 and a microphone (a 1 kHz tone, G.711 A-law), as an IP intercom or a camera with audio
Usage: gst-rtsp-server.py PORT. Prints "ready" once it listens."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

SOURCE = "videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=640,height=360,framerate=25/1"
STREAMS = {
    "/h264b": f"{SOURCE} ! x264enc speed-preset=ultrafast bframes=2 b-adapt=false key-int-max=25 ! "
    "video/x-h264,profile=main ! rtph264pay name=pay0 pt=96 config-interval=1",
    "/h265": f"{SOURCE} ! x265enc speed-preset=ultrafast key-int-max=25 ! rtph265pay name=pay0 pt=96 config-interval=1",
    "/intercom": f"{SOURCE} ! x264enc speed-preset=ultrafast key-int-max=25 tune=zerolatency ! "
    "rtph264pay name=pay0 pt=96 config-interval=1 "
    "audiotestsrc is-live=true freq=1000 volume=0.5 ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8",
}

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(sys.argv[1])
mounts = server.get_mount_points()
for path, launch in STREAMS.items():
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f"( {launch} )")
    factory.set_shared(True)
    mounts.add_factory(path, factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
