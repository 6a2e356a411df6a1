package io.kubedyn.gateway.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether a request body is text DynamoDB reads: well-formed UTF-8, and no {@code \\u} escape
 * of half a surrogate pair. A lenient reading would turn both into replacement characters, so
 * two different keys would become one item and an overlong {@code ..\xC0\xAF} would be stored
 * as {@code ../}; DynamoDB refuses such a body as it refuses one that is not JSON.
 */
public final class BodyText {
    private BodyText() {}

    public static boolean wellFormed(byte[] body) {
        boolean ascii = true;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (b < 0) {
                ascii = false;
            } else if (b == '\\' && i + 1 < body.length) {
                if (body[i + 1] != 'u') {
                    i++; // an escaped character, perhaps a backslash: not the start of another escape
                    continue;
                }
                int unit = hex4(body, i + 2);
                if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    return false; // the second half of a pair, alone
                }
                if (unit >= 0xD800 && unit <= 0xDBFF) {
                    boolean escape = i + 11 < body.length && body[i + 6] == '\\' && body[i + 7] == 'u';
                    int low = escape ? hex4(body, i + 8) : -1;
                    boolean paired = low >= 0xDC00 && low <= 0xDFFF;
                    if (!paired) {
                        return false;
                    }
                    i += 11;
                } else {
                    i += 5;
                }
            }
        }
        // The JDK's decoder, strict: overlong forms, encoded surrogates and bytes past U+10FFFF fail.
        if (!ascii) {
            try {
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(body));
            } catch (CharacterCodingException e) {
                return false;
            }
        }
        return true;
    }

    /** The four hex digits at {@code from} as a number, or -1 when they are not four hex digits. */
    private static int hex4(byte[] body, int from) {
        if (from + 4 > body.length) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(body[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
