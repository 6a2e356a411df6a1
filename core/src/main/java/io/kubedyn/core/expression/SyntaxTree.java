package io.kubedyn.core.expression;

import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.TokenStream;

/**
 * One expression text as parsed by one start rule of the grammar, free of syntax errors. It
 * depends on the text and the rule alone: ExpressionAttributeNames and ExpressionAttributeValues,
 * reserved words and every other check beyond syntax are applied by {@link ExpressionBuilder}
 * each time a tree is built into an expression, so one tree serves any number of requests.
 *
 * <p>Nothing changes a tree after {@link ExpressionParser#parse} returns it: the builder only
 * calls the ANTLR contexts' getters and reads tokens' text (from the immutable character
 * stream) and the filled token list. So a tree may be shared between threads once safely
 * published, as {@link ParsedExpressions}' cache does.
 */
final class SyntaxTree {
    /** The grammar's start rules; ConditionExpression, FilterExpression and KeyConditionExpression share one. */
    enum StartRule {
        CONDITION,
        UPDATE,
        PROJECTION
    }

    private final String text;
    private final ParserRuleContext root;
    private final TokenStream tokens;
    /** What DynamoDB refuses of the whole tree whatever the request (null until first asked). */
    private volatile java.util.Optional<String> wholeTreeProblem;

    SyntaxTree(String text, ParserRuleContext root, TokenStream tokens) {
        this.text = text;
        this.root = root;
        this.tokens = tokens;
    }

    String text() {
        return text;
    }

    /** The start rule's context: cast to the context class of the rule it was parsed with. */
    ParserRuleContext root() {
        return root;
    }

    /** Every token of the text, EOF included, for syntax errors found while building. */
    TokenStream tokens() {
        return tokens;
    }

    /** The number of tokens, EOF included: what the tree costs in memory is about proportional to it. */
    int tokenCount() {
        return tokens.size();
    }

    /**
     * What {@code check} finds wrong with the whole tree, computed once: it must depend on the
     * tree alone (two threads computing it at once compute the same).
     */
    java.util.Optional<String> wholeTreeProblem(java.util.function.Supplier<java.util.Optional<String>> check) {
        java.util.Optional<String> problem = wholeTreeProblem;
        if (problem == null) {
            problem = check.get();
            wholeTreeProblem = problem;
        }
        return problem;
    }

    ExpressionBuilder builder(String kind, ExpressionAttributes attributes) {
        return new ExpressionBuilder(kind, text, tokens, attributes);
    }
}
