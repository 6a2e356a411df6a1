package io.kubedyn.core.expression;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kubedyn.core.KeyCondition;
import io.kubedyn.core.KeySchema;

/**
 * The expressions of many requests, parsed once per text: clients send the same expression
 * strings over and over with other ExpressionAttributeValues, and ANTLR's lexing and parsing
 * is most of what an expression costs. Each method gives exactly what the static
 * {@code parse} of its expression class gives for the same arguments, errors included.
 *
 * <p>What is kept is the {@link SyntaxTree}, keyed by the text and the grammar's start rule:
 * the only part of the work that depends on nothing else. Everything that depends on the
 * request runs on every call, in the same order as without the cache: ExpressionAttributeNames
 * and ExpressionAttributeValues are resolved (and marked used for
 * {@link ExpressionAttributes#verifyAllUsed()}), reserved words, operand types, operator counts
 * and overlapping paths are checked, each with DynamoDB's message. A text that fails to parse is
 * not kept, so it fails again, the same way, on every request.
 *
 * <p>Bounded by the tokens of the texts held (a tree's heap is about proportional to its
 * tokens), least recently and frequently used first out (Caffeine's W-TinyLFU), so many distinct
 * texts, up to DynamoDB's 4 KB each, cannot grow it without limit. One instance is owned by
 * whatever handles requests; it is safe for concurrent use.
 */
public final class ParsedExpressions {
    /**
     * Tokens held by default: about 2,800 short expressions (a Query's {@code p = :p AND s >= :s}
     * is 8 tokens and EOF) or six of DynamoDB's longest. Measured: a kept short expression costs
     * about 400 bytes of heap per token (3.3 KB for that Query's), a 4 KB one about 150 (340 KB),
     * so the cache holds about 10 MB at most.
     */
    public static final long DEFAULT_MAXIMUM_TOKENS = 25_000;

    private record Key(SyntaxTree.StartRule rule, String text) {}

    private final Cache<Key, SyntaxTree> trees;

    /** Keeps trees of at most {@code maximumTokens} tokens in all (at least 1). */
    public ParsedExpressions(long maximumTokens) {
        if (maximumTokens < 1) {
            throw new IllegalArgumentException("maximumTokens must be at least 1: " + maximumTokens);
        }
        this.trees = Caffeine.newBuilder()
                .maximumWeight(maximumTokens)
                .<Key, SyntaxTree>weigher((key, tree) -> tree.tokenCount())
                .build();
    }

    /** {@link KeyConditionExpression#parse}, parsing {@code text} only if it is not kept already. */
    public KeyCondition keyCondition(String text, ExpressionAttributes attributes, KeySchema schema) {
        return KeyConditionExpression.build(
                tree(KeyConditionExpression.KIND, text, SyntaxTree.StartRule.CONDITION), attributes, schema);
    }

    /**
     * A KeyConditionExpression's terms, to be held against the key schema once the table is known
     * ({@link KeyConditionExpression.Terms#on}); parses {@code text} only if it is not kept already.
     */
    public KeyConditionExpression.Terms keyConditionTerms(String text, ExpressionAttributes attributes) {
        return KeyConditionExpression.terms(
                tree(KeyConditionExpression.KIND, text, SyntaxTree.StartRule.CONDITION), attributes);
    }

    /** {@link ConditionExpression#parse}, parsing {@code text} only if it is not kept already. */
    public ConditionExpression condition(String text, ExpressionAttributes attributes) {
        return ConditionExpression.build(
                ConditionExpression.CONDITION_KIND,
                tree(ConditionExpression.CONDITION_KIND, text, SyntaxTree.StartRule.CONDITION),
                attributes);
    }

    /** {@link ConditionExpression#parseFilter}, parsing {@code text} only if it is not kept already. */
    public ConditionExpression filter(String text, ExpressionAttributes attributes) {
        return ConditionExpression.build(
                ConditionExpression.FILTER_KIND,
                tree(ConditionExpression.FILTER_KIND, text, SyntaxTree.StartRule.CONDITION),
                attributes);
    }

    /** {@link UpdateExpression#parse}, parsing {@code text} only if it is not kept already. */
    public UpdateExpression update(String text, ExpressionAttributes attributes) {
        return UpdateExpression.build(tree(UpdateExpression.KIND, text, SyntaxTree.StartRule.UPDATE), attributes);
    }

    /** {@link ProjectionExpression#parse}, parsing {@code text} only if it is not kept already. */
    public ProjectionExpression projection(String text, ExpressionAttributes attributes) {
        return ProjectionExpression.build(
                tree(ProjectionExpression.KIND, text, SyntaxTree.StartRule.PROJECTION), attributes);
    }

    /** How many trees are kept now (after pending evictions), for tests. */
    long size() {
        trees.cleanUp();
        return trees.estimatedSize();
    }

    private SyntaxTree tree(String kind, String text, SyntaxTree.StartRule rule) {
        if (text == null) {
            // Refused by the parse with the message of its kind; null is no cache key.
            return ExpressionParser.parse(kind, text, rule);
        }
        Key key = new Key(rule, text);
        SyntaxTree tree = trees.getIfPresent(key);
        if (tree == null) {
            // Parsed outside the cache's locks (not Cache.get(key, parse)): two threads may both
            // parse a new text once, which costs less than holding a map bin through a parse,
            // and a refusal simply propagates without anything being kept.
            tree = ExpressionParser.parse(kind, text, rule);
            trees.put(key, tree);
        }
        return tree;
    }
}
