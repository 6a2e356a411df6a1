package io.kubedyn.gateway.protocol;

import io.kubedyn.core.TableName;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.smithy.model.Model;
import software.amazon.smithy.model.loader.ModelAssembler;
import software.amazon.smithy.model.shapes.EnumShape;
import software.amazon.smithy.model.shapes.MemberShape;
import software.amazon.smithy.model.shapes.OperationShape;
import software.amazon.smithy.model.shapes.ServiceShape;
import software.amazon.smithy.model.shapes.Shape;
import software.amazon.smithy.model.shapes.ShapeId;
import software.amazon.smithy.model.traits.LengthTrait;
import software.amazon.smithy.model.traits.PatternTrait;
import software.amazon.smithy.model.traits.RangeTrait;
import software.amazon.smithy.model.traits.RequiredTrait;

/**
 * DynamoDB's service model, as AWS publishes it on Maven Central (Smithy 2.0 JSON, read with
 * smithy-model): every operation's input shape, compiled once into {@link ModelShape}s for the
 * request pipeline. What the model cannot say and DynamoDB shows anyway is kept here, in one
 * place: the order in which its messages list an enumeration's values, and that a member typed
 * as a table ARN takes a table name under the name's own rules.
 */
public final class ServiceModel {
    static final String MODEL = "META-INF/smithy/2012-08-10/dynamodb-2012-08-10.json";
    static final ShapeId SERVICE = ShapeId.from("com.amazonaws.dynamodb#DynamoDB_20120810");
    /** A member of this type takes a table's name or its ARN. */
    static final ShapeId TABLE_ARN = ShapeId.from("com.amazonaws.dynamodb#TableArn");

    /**
     * The order in which DynamoDB's "Member must satisfy enum value set" lists the values of these
     * enumerations (observed; it is not the model's order). Values the model adds later follow.
     */
    private static final Map<String, List<String>> ENUM_WORDING = Map.of(
            "ReturnValue", List.of("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
            "ConditionalOperator", List.of("OR", "AND"),
            "ScalarAttributeType", List.of("B", "N", "S"),
            "ComparisonOperator",
                    List.of(
                            "IN",
                            "NULL",
                            "BETWEEN",
                            "LT",
                            "NOT_CONTAINS",
                            "EQ",
                            "GT",
                            "NOT_NULL",
                            "NE",
                            "LE",
                            "BEGINS_WITH",
                            "GE",
                            "CONTAINS"),
            "Select", List.of("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
            "ProjectionType", List.of("ALL", "INCLUDE", "KEYS_ONLY"));

    private static final ServiceModel DYNAMODB = load();

    private final Model model;
    private final Map<String, ModelShape> inputs = new HashMap<>();
    private final Map<String, ModelShape> outputs = new HashMap<>();
    private final Map<String, List<String>> errors = new HashMap<>();
    private final Map<ShapeId, ModelShape> compiled = new HashMap<>();

    private ServiceModel(Model model) {
        this.model = model;
        ServiceShape service = model.expectShape(SERVICE, ServiceShape.class);
        for (ShapeId id : service.getOperations()) {
            OperationShape operation = model.expectShape(id, OperationShape.class);
            inputs.put(id.getName(), compile(model.expectShape(operation.getInputShape())));
            outputs.put(id.getName(), compile(model.expectShape(operation.getOutputShape())));
            errors.put(
                    id.getName(),
                    operation.getErrors().stream().map(ShapeId::getName).toList());
        }
    }

    /** DynamoDB's model, loaded once. */
    public static ServiceModel dynamoDb() {
        return DYNAMODB;
    }

    /** The names of every operation of DynamoDB's API. */
    public java.util.Set<String> operations() {
        return java.util.Set.copyOf(inputs.keySet());
    }

    /** The input shape of an operation of DynamoDB's API, or empty when the model has no such operation. */
    public Optional<ModelShape> input(String operation) {
        return Optional.ofNullable(inputs.get(operation));
    }

    /** The output shape of an operation of DynamoDB's API, or empty when the model has no such operation. */
    public Optional<ModelShape> output(String operation) {
        return Optional.ofNullable(outputs.get(operation));
    }

    private static ServiceModel load() {
        URL url = ServiceModel.class.getClassLoader().getResource(MODEL);
        if (url == null) {
            throw new IllegalStateException("DynamoDB's service model is not on the class path: " + MODEL);
        }
        // The model names AWS's own traits (endpoint rules, IAM, ...); they do not shape requests.
        Model model = Model.assembler(ServiceModel.class.getClassLoader())
                .addImport(url)
                .putProperty(ModelAssembler.ALLOW_UNKNOWN_TRAITS, true)
                .disableValidation()
                .assemble()
                .unwrap();
        return new ServiceModel(model);
    }

    private ModelShape compile(Shape shape) {
        ModelShape existing = compiled.get(shape.getId());
        if (existing != null) {
            return existing;
        }
        ModelShape compiledShape = new ModelShape(shape.getId().getName(), kind(shape));
        compiled.put(shape.getId(), compiledShape);
        switch (compiledShape.kind()) {
            case STRUCTURE -> {
                for (MemberShape member : shape.getAllMembers().values()) {
                    compiledShape.addMember(member(member, lowerFirst(member.getMemberName())));
                }
            }
            case LIST ->
                compiledShape.collection(
                        null, member(shape.asListShape().orElseThrow().getMember(), "member"));
            case MAP -> {
                var map = shape.asMapShape().orElseThrow();
                compiledShape.collection(member(map.getKey(), "key"), member(map.getValue(), "member"));
            }
            default -> {}
        }
        return compiledShape;
    }

    private ModelMember member(MemberShape member, String path) {
        Shape target = model.expectShape(member.getTarget());
        return new ModelMember(
                member.getMemberName(),
                path,
                compile(target),
                member.hasTrait(RequiredTrait.class),
                constraints(member, target));
    }

    private Constraints constraints(MemberShape member, Shape target) {
        if (target.getId().equals(TABLE_ARN)) {
            // A name, checked as DynamoDB checks table names (an ARN is checked where it is read).
            return new Constraints(
                    (long) TableName.MIN_LENGTH,
                    (long) TableName.MAX_LENGTH,
                    null,
                    null,
                    Pattern.compile(TableName.PATTERN),
                    List.of());
        }
        Optional<LengthTrait> length = member.getMemberTrait(model, LengthTrait.class);
        Optional<RangeTrait> range = member.getMemberTrait(model, RangeTrait.class);
        Optional<PatternTrait> pattern = member.getMemberTrait(model, PatternTrait.class);
        List<String> enumValues = target instanceof EnumShape enumShape
                ? enumWording(
                        target.getId().getName(),
                        new ArrayList<>(enumShape.getEnumValues().values()))
                : List.of();
        Constraints constraints = new Constraints(
                length.flatMap(LengthTrait::getMin).orElse(null),
                length.flatMap(LengthTrait::getMax).orElse(null),
                range.flatMap(RangeTrait::getMin).orElse(null),
                range.flatMap(RangeTrait::getMax).orElse(null),
                pattern.map(p -> Pattern.compile(unanchored(p.getValue()))).orElse(null),
                enumValues);
        return constraints.isEmpty() ? Constraints.NONE : constraints;
    }

    private static List<String> enumWording(String enumName, List<String> modelOrder) {
        List<String> observed = ENUM_WORDING.get(enumName);
        if (observed == null) {
            return List.copyOf(modelOrder);
        }
        List<String> ordered = new ArrayList<>(observed);
        ordered.retainAll(modelOrder);
        modelOrder.stream().filter(value -> !ordered.contains(value)).forEach(ordered::add);
        return List.copyOf(ordered);
    }

    private static String unanchored(String pattern) {
        String p = pattern.startsWith("^") ? pattern.substring(1) : pattern;
        return p.endsWith("$") ? p.substring(0, p.length() - 1) : p;
    }

    private static ModelShape.Kind kind(Shape shape) {
        return switch (shape.getType()) {
            case STRING, ENUM -> ModelShape.Kind.STRING;
            case BOOLEAN -> ModelShape.Kind.BOOLEAN;
            case BYTE, SHORT, INTEGER, INT_ENUM -> ModelShape.Kind.INTEGER;
            case LONG, BIG_INTEGER -> ModelShape.Kind.LONG;
            case FLOAT, DOUBLE, BIG_DECIMAL -> ModelShape.Kind.DOUBLE;
            case TIMESTAMP -> ModelShape.Kind.TIMESTAMP;
            case BLOB -> ModelShape.Kind.BLOB;
            case LIST, SET -> ModelShape.Kind.LIST;
            case MAP -> ModelShape.Kind.MAP;
            case STRUCTURE, UNION -> ModelShape.Kind.STRUCTURE;
            default -> throw new IllegalStateException("DynamoDB's model has a shape kubedyn cannot read: " + shape);
        };
    }

    static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** The errors the model declares for an operation (their shape names), empty for an unknown one. */
    public List<String> errors(String operation) {
        return errors.getOrDefault(operation, List.of());
    }
}
