package org.postern.cli;

import java.io.PrintStream;


/** Where a command writes: tables and sentences for people, or with {@code --json} webadmin's JSON, indented. */
record Output(PrintStream out, boolean json) {
    void print(Json node) {
        out.println(node.pretty());
    }

    void line(String text) {
        out.println(text);
    }

    /** "1 mail", "3 mails". */
    static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** A JSON text field, or {@code otherwise} when absent or null. */
    static String text(Json node, String field, String otherwise) {
        Json value = node.get(field);
        return value == null || value.isNull() ? otherwise : value.asText();
    }

    /** A JSON array of strings as "a, b". */
    static String list(Json array) {
        if (array == null || !array.isArray()) {
            return "";
        }
        StringBuilder joined = new StringBuilder();
        array.forEach(element -> joined.append(joined.length() == 0 ? "" : ", ").append(element.asText()));
        return joined.toString();
    }
}
