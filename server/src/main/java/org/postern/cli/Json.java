package org.postern.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON value as webadmin sent it: an object (kept in order), an array, a string, a number, a boolean or null.
 * Parsed and printed by jackson-core's streaming parser and generator; the tree is this small class rather than
 * jackson-databind's, whose start-up (about 0.2 s of class loading) would double the time of every command.
 */
final class Json implements Iterable<Json> {
    private static final JsonFactory FACTORY = new JsonFactory();
    static final Json NULL = new Json(null);

    private final Object value;

    private Json(Object value) {
        this.value = value;
    }

    static Json parse(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return NULL;
            }
            Json parsed = new Json(read(parser, first));
            if (parser.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return parsed;
        }
    }

    /** An object to print: the fields in the order given. */
    static Json object(Map<String, ?> fields) {
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((name, field) -> copy.put(name, field instanceof Json json ? json.value : field));
        return new Json(copy);
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return parser.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + token);
        }
    }

    /** The field of an object; null when the object has no such field (a JSON null gives {@link #NULL}). */
    Json get(String field) {
        if (!(value instanceof Map<?, ?> object) || !object.containsKey(field)) {
            return null;
        }
        return new Json(object.get(field));
    }

    boolean has(String field) {
        return value instanceof Map<?, ?> object && object.containsKey(field);
    }

    boolean hasNonNull(String field) {
        return value instanceof Map<?, ?> object && object.get(field) != null;
    }

    boolean isNull() {
        return value == null;
    }

    boolean isArray() {
        return value instanceof List<?>;
    }

    /** No elements, no fields, or null. */
    boolean isEmpty() {
        return value == null || value instanceof List<?> list && list.isEmpty() || value instanceof Map<?, ?> map && map.isEmpty();
    }

    int size() {
        return value instanceof List<?> list ? list.size() : value instanceof Map<?, ?> map ? map.size() : 0;
    }

    String asText() {
        return String.valueOf(value);
    }

    int asInt() {
        return value instanceof Number number ? number.intValue() : 0;
    }

    long asLong() {
        return value instanceof Number number ? number.longValue() : 0;
    }

    boolean asBoolean() {
        return Boolean.TRUE.equals(value);
    }

    /** The elements of an array (nothing for any other value). */
    @Override
    public Iterator<Json> iterator() {
        List<?> elements = value instanceof List<?> list ? list : Collections.emptyList();
        return elements.stream().map(Json::new).iterator();
    }

    /** Indented, for {@code --json}. */
    String pretty() {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            generator.useDefaultPrettyPrinter();
            write(generator, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value instanceof Map<?, ?> object) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> field : object.entrySet()) {
                generator.writeFieldName(String.valueOf(field.getKey()));
                write(generator, field.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> array) {
            generator.writeStartArray();
            for (Object element : array) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else if (value instanceof String string) {
            generator.writeString(string);
        } else if (value instanceof Number number) {
            generator.writeNumber(number.toString());
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else {
            generator.writeNull();
        }
    }

    /** A string as a JSON string literal (for request bodies). */
    static String quote(String text) {
        StringWriter quoted = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(quoted)) {
            generator.writeString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return quoted.toString();
    }
}
