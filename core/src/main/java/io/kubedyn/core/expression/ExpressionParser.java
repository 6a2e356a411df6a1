package io.kubedyn.core.expression;

import io.kubedyn.core.DynamoDbException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Runs the generated ANTLR parser on one expression, turning every syntax error into the
 * ValidationException DynamoDB sends: {@code Invalid <Kind>: Syntax error; token: "x", near: "a x b"}.
 */
final class ExpressionParser {
    /** DynamoDB's limit on the size of one expression string, in UTF-8 bytes. */
    static final int MAX_EXPRESSION_BYTES = 4096;

    private ExpressionParser() {}

    /**
     * Parses {@code text} with the start rule {@code rule}, refusing an empty or too long text
     * and any syntax error. {@code kind} names the request parameter in error messages
     * ("ConditionExpression", "UpdateExpression", ...). The tree depends on the text and the
     * rule only, never on {@code kind}, since every refusal is thrown, not kept.
     */
    static SyntaxTree parse(String kind, String text, SyntaxTree.StartRule rule) {
        if (text == null || text.isBlank()) {
            throw DynamoDbException.validation("Invalid " + kind + ": The expression can not be empty;");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_EXPRESSION_BYTES) {
            throw DynamoDbException.validation(
                    "Invalid " + kind + ": Expression size has exceeded the maximum allowed size");
        }
        DynamoDbExpressionLexer lexer = new DynamoDbExpressionLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        DynamoDbExpressionParser parser = new DynamoDbExpressionParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(
                    Recognizer<?, ?> recognizer,
                    Object offendingSymbol,
                    int line,
                    int charPositionInLine,
                    String msg,
                    RecognitionException e) {
                throw ExpressionParser.syntaxError(kind, text, tokens, (Token) offendingSymbol);
            }
        });
        ParserRuleContext root;
        try {
            switch (rule) {
                case CONDITION:
                    parser.groupedPaths = true;
                    root = parser.conditionExpression();
                    break;
                case UPDATE:
                    root = parser.updateExpression();
                    break;
                default:
                    root = parser.projectionExpression();
            }
        } catch (StackOverflowError e) {
            throw redundantParentheses(kind);
        }
        return new SyntaxTree(text, root, tokens);
    }

    /**
     * Runs {@code build}, which turns a tree into an expression, with the same guard as the
     * parse: a tree nested deeply enough to exhaust the stack is refused as DynamoDB refuses it.
     */
    static <T> T build(String kind, Supplier<T> build) {
        try {
            return build.get();
        } catch (StackOverflowError e) {
            throw redundantParentheses(kind);
        }
    }

    /** Only reachable with thousands of nested parentheses, which DynamoDB refuses too. */
    private static DynamoDbException redundantParentheses(String kind) {
        return DynamoDbException.validation("Invalid " + kind + ": The expression has redundant parentheses;");
    }

    /** The message DynamoDB gives: the offending token and the text from the token before to the token after it. */
    static DynamoDbException syntaxError(String kind, String text, TokenStream tokens, Token offending) {
        int index = offending.getTokenIndex();
        Token previous = index > 0 ? tokens.get(index - 1) : null;
        Token next = offending.getType() != Token.EOF && index + 1 < tokens.size() ? tokens.get(index + 1) : null;
        if (next != null && next.getType() == Token.EOF) {
            next = null;
        }
        boolean atEnd = offending.getType() == Token.EOF;
        int start = previous != null ? previous.getStartIndex() : atEnd ? text.length() : offending.getStartIndex();
        int stop;
        if (next != null) {
            stop = next.getStopIndex() + 1;
        } else if (!atEnd) {
            stop = offending.getStopIndex() + 1;
        } else {
            stop = text.length();
        }
        String token = atEnd ? "<EOF>" : offending.getText();
        String near = text.substring(Math.min(start, text.length()), Math.max(Math.min(stop, text.length()), start));
        return DynamoDbException.validation(
                "Invalid " + kind + ": Syntax error; token: \"" + token + "\", near: \"" + near + "\"");
    }
}
