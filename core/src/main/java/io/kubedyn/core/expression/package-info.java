/**
 * DynamoDB's expression language: parsed by one ANTLR grammar ({@code DynamoDbExpression.g4},
 * generated at build time) and evaluated on items ({@code Map<String, AttributeValue>}).
 *
 * <p>One request, one {@link io.kubedyn.core.expression.ExpressionAttributes}: build it from
 * the request's ExpressionAttributeNames and ExpressionAttributeValues (null when absent), parse
 * every expression of the request with it, then call
 * {@link io.kubedyn.core.expression.ExpressionAttributes#verifyAllUsed()}:
 *
 * <pre>{@code
 * ExpressionAttributes attrs = new ExpressionAttributes(names, values);
 * UpdateExpression update = UpdateExpression.parse(updateText, attrs);
 * ConditionExpression condition = conditionText == null ? null : ConditionExpression.parse(conditionText, attrs);
 * attrs.verifyAllUsed();
 * // then, under the item's lock:
 * if (condition != null && !condition.test(oldItem)) throw conditional check failed;
 * Map<String, AttributeValue> newItem = update.apply(oldItem);
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.kubedyn.core.expression.KeyConditionExpression#parse} gives a
 *       {@link io.kubedyn.core.KeyCondition} for Query.</li>
 *   <li>{@link io.kubedyn.core.expression.ConditionExpression#parse} (ConditionExpression) and
 *       {@link io.kubedyn.core.expression.ConditionExpression#parseFilter} (FilterExpression) give a
 *       predicate on items.</li>
 *   <li>{@link io.kubedyn.core.expression.UpdateExpression#parse} gives the new item from the old
 *       one, the attributes and paths it touches, and their projection for UPDATED_OLD and
 *       UPDATED_NEW.</li>
 *   <li>{@link io.kubedyn.core.expression.ProjectionExpression#parse} selects parts of an item.</li>
 * </ul>
 *
 * <p>A server parses through one {@link io.kubedyn.core.expression.ParsedExpressions} instead:
 * the same methods by another name ({@code keyCondition}, {@code condition}, {@code filter},
 * {@code update}, {@code projection}), with the same results and messages, but each text is
 * lexed and parsed by ANTLR once and its syntax tree kept (bounded); names, values and every
 * check beyond syntax still run on each call.
 *
 * <p>Every refusal is a {@link io.kubedyn.core.DynamoDbException} of type ValidationException
 * carrying DynamoDB's message. Parsed expressions are immutable and may be shared between
 * threads.
 */
package io.kubedyn.core.expression;
