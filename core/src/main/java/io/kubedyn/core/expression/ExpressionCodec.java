package io.kubedyn.core.expression;

import io.kubedyn.core.AttributeValue;
import io.kubedyn.core.ItemCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary form of a parsed condition or update, as it crosses the gateway-to-storage link.
 *
 * <p>Why the parsed tree and not the expression text: the legacy parameters (Expected,
 * AttributeUpdates) build expressions that have no text, and re-rendering any expression as
 * text could exceed the limits a client's expression was checked against (4 KB, 300
 * operators) and would re-run validation that already passed at the gateway. The tree is
 * exactly what the gateway validated, whatever it was built from, and is evaluated where the
 * item lives. Values travel in {@link ItemCodec} form. The gateway and the storage pods are
 * released together; {@link #VERSION} makes a mismatch fail loudly rather than misread.
 */
public final class ExpressionCodec {
    static final int VERSION = 2;

    // condition tags
    private static final int COMPARISON = 1,
            BETWEEN = 2,
            IN = 3,
            ALWAYS = 4,
            AND = 5,
            OR = 6,
            NOT = 7,
            EXISTS = 8,
            TYPE = 9,
            BEGINS_WITH = 10,
            CONTAINS = 11;
    // operand tags
    private static final int PATH = 1, VALUE = 2, SIZE = 3, IF_NOT_EXISTS = 4, LIST_APPEND = 5, ARITHMETIC = 6;
    // action tags
    private static final int SET = 1, REMOVE = 2, ADD = 3, DELETE = 4;

    private ExpressionCodec() {}

    public static void writeCondition(ConditionExpression expression, DataOutputStream out) throws IOException {
        out.writeByte(VERSION);
        writeString(expression.toString(), out);
        write(expression.condition(), out);
    }

    public static ConditionExpression readCondition(DataInputStream in) throws IOException {
        checkVersion(in);
        String text = readString(in);
        return ConditionExpression.of(text, readCondition0(in));
    }

    public static void writeUpdate(UpdateExpression expression, DataOutputStream out) throws IOException {
        out.writeByte(VERSION);
        writeString(expression.toString(), out);
        List<UpdateExpression.Action> actions = expression.actions();
        out.writeInt(actions.size());
        for (UpdateExpression.Action action : actions) {
            if (action instanceof UpdateExpression.SetAction set) {
                out.writeByte(SET);
                write(set.path(), out);
                write(set.value(), out);
            } else if (action instanceof UpdateExpression.RemoveAction remove) {
                out.writeByte(REMOVE);
                write(remove.path(), out);
            } else if (action instanceof UpdateExpression.AddAction add) {
                out.writeByte(ADD);
                write(add.path(), out);
                write(add.value(), out);
            } else {
                UpdateExpression.DeleteAction delete = (UpdateExpression.DeleteAction) action;
                out.writeByte(DELETE);
                write(delete.path(), out);
                write(delete.value(), out);
            }
        }
    }

    public static UpdateExpression readUpdate(DataInputStream in) throws IOException {
        checkVersion(in);
        String text = readString(in);
        int count = in.readInt();
        List<UpdateExpression.Action> actions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tag = in.readByte();
            DocumentPath path = readPath(in);
            switch (tag) {
                case SET -> actions.add(new UpdateExpression.SetAction(path, readOperand(in)));
                case REMOVE -> actions.add(new UpdateExpression.RemoveAction(path));
                case ADD -> actions.add(new UpdateExpression.AddAction(path, readValue(in)));
                case DELETE -> actions.add(new UpdateExpression.DeleteAction(path, readValue(in)));
                default -> throw corrupt("update action", tag);
            }
        }
        return UpdateExpression.of(text, actions);
    }

    private static void checkVersion(DataInputStream in) throws IOException {
        int version = in.readByte();
        if (version != VERSION) {
            throw new IOException("expression encoding version " + version + ", expected " + VERSION);
        }
    }

    // ---- conditions ---------------------------------------------------------------------------

    private static void write(Condition c, DataOutputStream out) throws IOException {
        if (c instanceof Condition.Comparison x) {
            out.writeByte(COMPARISON);
            out.writeByte(x.comparator().ordinal());
            write(x.left(), out);
            write(x.right(), out);
        } else if (c instanceof Condition.Between x) {
            out.writeByte(BETWEEN);
            write(x.value(), out);
            write(x.lower(), out);
            write(x.upper(), out);
        } else if (c instanceof Condition.In x) {
            out.writeByte(IN);
            write(x.value(), out);
            out.writeInt(x.candidates().size());
            for (Operand candidate : x.candidates()) {
                write(candidate, out);
            }
        } else if (c instanceof Condition.Always) {
            out.writeByte(ALWAYS);
        } else if (c instanceof Condition.And x) {
            out.writeByte(AND);
            write(x.left(), out);
            write(x.right(), out);
        } else if (c instanceof Condition.Or x) {
            out.writeByte(OR);
            write(x.left(), out);
            write(x.right(), out);
        } else if (c instanceof Condition.Not x) {
            out.writeByte(NOT);
            write(x.operand(), out);
        } else if (c instanceof Condition.AttributeExists x) {
            out.writeByte(EXISTS);
            write(x.path(), out);
            out.writeBoolean(x.exists());
        } else if (c instanceof Condition.AttributeType x) {
            out.writeByte(TYPE);
            write(x.subject(), out);
            write(x.type(), out);
        } else if (c instanceof Condition.BeginsWith x) {
            out.writeByte(BEGINS_WITH);
            write(x.value(), out);
            write(x.prefix(), out);
        } else {
            Condition.Contains x = (Condition.Contains) c;
            out.writeByte(CONTAINS);
            write(x.container(), out);
            write(x.operand(), out);
        }
    }

    private static Condition readCondition0(DataInputStream in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case COMPARISON: {
                Condition.Comparator comparator = Condition.Comparator.values()[in.readByte()];
                return new Condition.Comparison(comparator, readOperand(in), readOperand(in));
            }
            case BETWEEN:
                return new Condition.Between(readOperand(in), readOperand(in), readOperand(in));
            case IN: {
                Operand value = readOperand(in);
                int count = in.readInt();
                List<Operand> candidates = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    candidates.add(readOperand(in));
                }
                return new Condition.In(value, candidates);
            }
            case ALWAYS:
                return new Condition.Always();
            case AND:
                return new Condition.And(readCondition0(in), readCondition0(in));
            case OR:
                return new Condition.Or(readCondition0(in), readCondition0(in));
            case NOT:
                return new Condition.Not(readCondition0(in));
            case EXISTS:
                return new Condition.AttributeExists(readPath(in), in.readBoolean());
            case TYPE:
                return new Condition.AttributeType(readOperand(in), readOperand(in));
            case BEGINS_WITH:
                return new Condition.BeginsWith(readOperand(in), readOperand(in));
            case CONTAINS:
                return new Condition.Contains(readOperand(in), readOperand(in));
            default:
                throw corrupt("condition", tag);
        }
    }

    // ---- operands, paths, values --------------------------------------------------------------

    private static void write(Operand o, DataOutputStream out) throws IOException {
        if (o instanceof Operand.Path p) {
            out.writeByte(PATH);
            write(p.path(), out);
        } else if (o instanceof Operand.Value v) {
            out.writeByte(VALUE);
            writeString(v.ref(), out);
            write(v.value(), out);
        } else if (o instanceof Operand.Size s) {
            out.writeByte(SIZE);
            write(s.argument(), out);
        } else if (o instanceof Operand.IfNotExists f) {
            out.writeByte(IF_NOT_EXISTS);
            write(f.path(), out);
            write(f.fallback(), out);
        } else if (o instanceof Operand.ListAppend f) {
            out.writeByte(LIST_APPEND);
            write(f.first(), out);
            write(f.second(), out);
        } else {
            Operand.Arithmetic f = (Operand.Arithmetic) o;
            out.writeByte(ARITHMETIC);
            write(f.left(), out);
            out.writeBoolean(f.plus());
            write(f.right(), out);
        }
    }

    private static Operand readOperand(DataInputStream in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case PATH:
                return new Operand.Path(readPath(in));
            case VALUE:
                return new Operand.Value(readString(in), readValue(in));
            case SIZE:
                return new Operand.Size(readOperand(in));
            case IF_NOT_EXISTS:
                return new Operand.IfNotExists(readPath(in), readOperand(in));
            case LIST_APPEND:
                return new Operand.ListAppend(readOperand(in), readOperand(in));
            case ARITHMETIC:
                return new Operand.Arithmetic(readOperand(in), in.readBoolean(), readOperand(in));
            default:
                throw corrupt("operand", tag);
        }
    }

    private static void write(DocumentPath path, DataOutputStream out) throws IOException {
        out.writeInt(path.elements().size());
        for (DocumentPath.Element e : path.elements()) {
            if (e instanceof DocumentPath.Member m) {
                out.writeBoolean(true);
                writeString(m.name(), out);
            } else {
                out.writeBoolean(false);
                out.writeInt(((DocumentPath.Index) e).index());
            }
        }
    }

    private static DocumentPath readPath(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<DocumentPath.Element> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(
                    in.readBoolean() ? new DocumentPath.Member(readString(in)) : new DocumentPath.Index(in.readInt()));
        }
        return new DocumentPath(elements);
    }

    /** A single value, as a one-attribute item: the item codec is the one binary value format. */
    private static void write(AttributeValue value, DataOutputStream out) throws IOException {
        byte[] bytes = ItemCodec.encode(Map.of("", value));
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static AttributeValue readValue(DataInputStream in) throws IOException {
        byte[] bytes = in.readNBytes(in.readInt());
        return ItemCodec.decode(bytes).get("");
    }

    // Length-prefixed UTF-8, not writeUTF: no 64 KB limit, and null (a legacy value has no
    // :ref) is length -1.
    private static void writeString(String s, DataOutputStream out) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static IOException corrupt(String what, int tag) {
        return new IOException("corrupt expression: unknown " + what + " tag " + tag);
    }
}
