package io.kubedyn.core.partiql;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The DynamoDB request a statement means: the operation's name (Query, Scan, PutItem,
 * UpdateItem, DeleteItem) and its body, expressions and their attribute names and values
 * included, as a client would have sent it.
 */
public record EquivalentRequest(String operation, ObjectNode body) {}
