#!/usr/bin/python3
"""A Modbus server from pymodbus (Debian's python3-pymodbus), an implementation the project did not
write, for the controller to read. Units and registers come as JSON on the command line:
  {"1": {"hr": {"0": 500, ...}, "ir": {...}, "co": {...}, "di": {...}}, ...}
Transports: tcp HOST:PORT (Modbus TCP), rtu-tcp HOST:PORT (RTU frames over TCP, as a serial
server sends them), ascii DEVICE (Modbus ASCII on a serial port). Prints "ready" once it listens."""
import asyncio
import json
import logging
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext, ModbusSparseDataBlock
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.transaction import ModbusAsciiFramer, ModbusRtuFramer, ModbusSocketFramer

logging.basicConfig(level=logging.ERROR)


def block(table):
    values = {int(a): v for a, v in (table or {}).items()}
    return ModbusSparseDataBlock(values or {0: 0})


def context(units):
    slaves = {
        int(unit): ModbusSlaveContext(
            hr=block(t.get("hr")), ir=block(t.get("ir")), co=block(t.get("co")), di=block(t.get("di")), zero_mode=True
        )
        for unit, t in units.items()
    }
    return ModbusServerContext(slaves=slaves, single=False)


async def main():
    transport, where, units = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    ctx = context(units)
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, lambda: print("ready", flush=True))
    if transport == "ascii":
        # A pty refuses 7 data bits and parity, so the line runs 8N1 here; real ASCII lines are
        # mostly 7E1, which the framing does not depend on.
        await StartAsyncSerialServer(
            context=ctx, framer=ModbusAsciiFramer, port=where, baudrate=9600, bytesize=8, parity="N", stopbits=1
        )
    else:
        host, port = where.rsplit(":", 1)
        framer = ModbusSocketFramer if transport == "tcp" else ModbusRtuFramer
        await StartAsyncTcpServer(context=ctx, framer=framer, address=(host, int(port)))


asyncio.run(main())
