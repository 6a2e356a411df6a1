package io.kubedyn.core;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compact binary form of an item: what RocksDB stores and what crosses the
 * gateway-to-storage link. Written by hand (not protobuf) because it is a dozen tags and
 * varints, and the store must decode it on every read without building an intermediate
 * message. Layout: varint count, then per attribute a varint-prefixed UTF-8 name and a value;
 * a value is a tag byte followed by its payload. Part of the on-disk format.
 */
public final class ItemCodec {
    private static final int S = 1, N = 2, B = 3, TRUE = 4, FALSE = 5, NULL = 6, M = 7, L = 8, SS = 9, NS = 10, BS = 11;

    private ItemCodec() {}

    public static byte[] encode(Map<String, AttributeValue> item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeMap(item, out);
        return out.toByteArray();
    }

    public static Map<String, AttributeValue> decode(byte[] bytes) {
        Reader in = new Reader(bytes);
        Map<String, AttributeValue> item = in.map();
        if (in.pos != bytes.length) {
            throw new IllegalStateException("corrupt item: " + (bytes.length - in.pos) + " trailing bytes");
        }
        return item;
    }

    /** One attribute value alone: its tag and payload, as it is written inside an item. */
    public static byte[] encodeValue(AttributeValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        write(value, out);
        return out.toByteArray();
    }

    public static AttributeValue decodeValue(byte[] bytes) {
        Reader in = new Reader(bytes);
        AttributeValue value = in.value();
        if (in.pos != bytes.length) {
            throw new IllegalStateException("corrupt value: " + (bytes.length - in.pos) + " trailing bytes");
        }
        return value;
    }

    private static void writeMap(Map<String, AttributeValue> map, ByteArrayOutputStream out) {
        varint(map.size(), out);
        for (Map.Entry<String, AttributeValue> e : map.entrySet()) {
            string(e.getKey(), out);
            write(e.getValue(), out);
        }
    }

    private static void write(AttributeValue value, ByteArrayOutputStream out) {
        if (value instanceof AttributeValue.S s) {
            out.write(S);
            string(s.value(), out);
        } else if (value instanceof AttributeValue.N n) {
            out.write(N);
            number(n.value(), out);
        } else if (value instanceof AttributeValue.B b) {
            out.write(B);
            bytes(b.value().unsafeBytes(), out);
        } else if (value instanceof AttributeValue.Bool b) {
            out.write(b.value() ? TRUE : FALSE);
        } else if (value instanceof AttributeValue.Null) {
            out.write(NULL);
        } else if (value instanceof AttributeValue.M m) {
            out.write(M);
            writeMap(m.value(), out);
        } else if (value instanceof AttributeValue.L l) {
            out.write(L);
            varint(l.value().size(), out);
            for (AttributeValue element : l.value()) {
                write(element, out);
            }
        } else if (value instanceof AttributeValue.SS ss) {
            out.write(SS);
            varint(ss.value().size(), out);
            for (String member : ss.value()) {
                string(member, out);
            }
        } else if (value instanceof AttributeValue.NS ns) {
            out.write(NS);
            varint(ns.value().size(), out);
            for (DynamoNumber member : ns.value()) {
                number(member, out);
            }
        } else if (value instanceof AttributeValue.BS bs) {
            out.write(BS);
            varint(bs.value().size(), out);
            for (Binary member : bs.value()) {
                bytes(member.unsafeBytes(), out);
            }
        }
    }

    /** Scale as a zig-zag varint, then the unscaled value's two's-complement bytes. */
    private static void number(DynamoNumber n, ByteArrayOutputStream out) {
        int scale = n.value().scale();
        varint((scale << 1) ^ (scale >> 31), out);
        bytes(n.value().unscaledValue().toByteArray(), out);
    }

    private static void string(String s, ByteArrayOutputStream out) {
        bytes(s.getBytes(StandardCharsets.UTF_8), out);
    }

    private static void bytes(byte[] b, ByteArrayOutputStream out) {
        varint(b.length, out);
        out.writeBytes(b);
    }

    private static void varint(int v, ByteArrayOutputStream out) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        Map<String, AttributeValue> map() {
            int size = varint();
            Map<String, AttributeValue> map = new LinkedHashMap<>(Math.max(4, size * 2));
            for (int i = 0; i < size; i++) {
                String name = string();
                map.put(name, value());
            }
            return map;
        }

        AttributeValue value() {
            int tag = buf[pos++];
            switch (tag) {
                case S:
                    return new AttributeValue.S(string());
                case N:
                    return new AttributeValue.N(number());
                case B:
                    return new AttributeValue.B(Binary.wrap(bytes()));
                case TRUE:
                    return new AttributeValue.Bool(true);
                case FALSE:
                    return new AttributeValue.Bool(false);
                case NULL:
                    return new AttributeValue.Null();
                case M:
                    return new AttributeValue.M(map());
                case L: {
                    int size = varint();
                    List<AttributeValue> list = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        list.add(value());
                    }
                    return new AttributeValue.L(list);
                }
                case SS: {
                    int size = varint();
                    Set<String> set = new LinkedHashSet<>();
                    for (int i = 0; i < size; i++) {
                        set.add(string());
                    }
                    return new AttributeValue.SS(set);
                }
                case NS: {
                    int size = varint();
                    Set<DynamoNumber> set = new LinkedHashSet<>();
                    for (int i = 0; i < size; i++) {
                        set.add(number());
                    }
                    return new AttributeValue.NS(set);
                }
                case BS: {
                    int size = varint();
                    Set<Binary> set = new LinkedHashSet<>();
                    for (int i = 0; i < size; i++) {
                        set.add(Binary.wrap(bytes()));
                    }
                    return new AttributeValue.BS(set);
                }
                default:
                    throw new IllegalStateException("corrupt item: unknown tag " + tag + " at " + (pos - 1));
            }
        }

        DynamoNumber number() {
            int zigzag = varint();
            int scale = (zigzag >>> 1) ^ -(zigzag & 1);
            return new DynamoNumber(new BigDecimal(new BigInteger(bytes()), scale));
        }

        String string() {
            int length = varint();
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        byte[] bytes() {
            int length = varint();
            byte[] b = new byte[length];
            System.arraycopy(buf, pos, b, 0, length);
            pos += length;
            return b;
        }

        int varint() {
            int result = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = buf[pos++];
                result |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
        }
    }
}
