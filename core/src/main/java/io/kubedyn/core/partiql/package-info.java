/**
 * DynamoDB's PartiQL: one ANTLR grammar ({@code PartiQl.g4}, generated at build time) for its
 * SELECT, INSERT, UPDATE and DELETE statements, a small model of a parsed statement
 * ({@link io.kubedyn.core.partiql.Statement}, parameters bound), and the translation of each
 * statement into the DynamoDB request it means
 * ({@link io.kubedyn.core.partiql.StatementTranslation}), so that statements run on the same
 * operations and the same expression evaluator as Query, Scan, PutItem, UpdateItem and
 * DeleteItem:
 *
 * <pre>{@code
 * Statement statement = StatementParser.parse(text, parameters);
 * EquivalentRequest request = StatementTranslation.of(statement, table);
 * // run request.operation() with request.body()
 * }</pre>
 *
 * <p>Every refusal is a {@link io.kubedyn.core.DynamoDbException} of type ValidationException
 * carrying DynamoDB's message.
 */
package io.kubedyn.core.partiql;
