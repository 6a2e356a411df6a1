package io.kubedyn.storage;

/**
 * Which items a write hands back: only what the request's ReturnValues needs, so a PutItem with
 * ReturnValues NONE moves no item back over the network.
 */
public enum ReturnItems {
    NONE,
    OLD,
    NEW
}
