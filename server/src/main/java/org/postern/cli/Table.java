package org.postern.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Columns padded to their widest cell, the last one left ragged; a row may carry a note printed under it, indented. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    Table row(Object... cells) {
        return rowWithNote(null, cells);
    }

    /** A row and, when {@code note} is not null, a line under it starting at the second column. */
    Table rowWithNote(String note, Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        notes.add(note);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int[] widths = widths();
        out.println(line(headers, widths));
        for (int r = 0; r < rows.size(); r++) {
            out.println(line(rows.get(r), widths));
            if (notes.get(r) != null) {
                out.println(" ".repeat(widths[0] + 2) + notes.get(r));
            }
        }
    }

    /** Label and value pairs: the rows only. */
    void printWithoutHeader(PrintStream out) {
        int[] widths = widths();
        for (List<String> row : rows) {
            out.println(line(row, widths));
        }
    }

    private int[] widths() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], i < row.size() ? row.get(i).length() : 0);
            }
        }
        return widths;
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = i < cells.size() ? cells.get(i) : "";
            line.append(cell);
            if (i < widths.length - 1) {
                line.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        return line.toString().stripTrailing();
    }
}
