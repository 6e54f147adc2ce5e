package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guard of the construct's public API (package {@code io.github.veleroirsa}): every public
 * or protected type, constructor, method and field, as signatures, against the list checked in
 * at {@code api/public-api.txt} (the API of the last release; before the first, of today). A
 * signature added, changed or removed fails the build unless the {@code [Unreleased]} section of
 * {@code CHANGELOG.md} names it: {@code `Type.member`}, or {@code `Type`} for a type or a
 * constructor. At a release, {@code mvn test -Dtest=PublicApiTest -Dapi.write=true} writes the
 * list anew (RELEASING.md).
 */
class PublicApiTest {
    static final Path LIST = Path.of("api/public-api.txt");
    static final Path CHANGELOG = Path.of("CHANGELOG.md");
    static final Path CLASSES = Path.of("target/classes/io/github/veleroirsa");

    @Test
    void everyChangeToThePublicApiIsInTheChangelog() throws IOException {
        Map<String, String> current = signatures();
        // The name a listed signature is given is the one its member had when it was read.
        current.forEach((signature, name) -> assertThat(name(signature)).as(signature).isEqualTo(name));
        if (Boolean.getBoolean("api.write")) {
            Files.writeString(LIST, String.join("\n", current.keySet()) + "\n", StandardCharsets.UTF_8);
        }
        List<String> listed = Files.readAllLines(LIST, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        String unreleased = unreleased(Files.readString(CHANGELOG, StandardCharsets.UTF_8));
        assertThat(unsaid(current, listed, unreleased)).as("The public API differs from %s, and the [Unreleased]"
                + " section of %s does not name these (expected a line there for each, or, at a release, the list"
                + " written anew with -Dapi.write=true as RELEASING.md says)", LIST, CHANGELOG).isEmpty();
    }

    @Test
    void aRemovedMethodFailsUntilTheChangelogNamesIt() throws IOException {
        Map<String, String> current = new java.util.TreeMap<>(signatures());
        String removed = current.keySet().stream().filter(s -> s.contains("VeleroBackup.getRoleFor(")).findFirst()
                .orElseThrow();
        List<String> listed = List.copyOf(current.keySet());
        current.remove(removed);
        assertThat(unsaid(current, listed, "## [Unreleased]\n### Added\n- `VeleroBackup.getRoles`\n"))
                .containsExactly("removed or changed `VeleroBackup.getRoleFor`: " + removed);
        assertThat(unsaid(current, listed, "## [Unreleased]\n### Removed\n- `VeleroBackup.getRoleFor`\n")).isEmpty();
        // A line under an earlier version does not count.
        assertThat(unsaid(current, listed, unreleased("## [Unreleased]\n\n## [0.1.0]\n- `VeleroBackup.getRoleFor`\n")))
                .hasSize(1);
    }

    @Test
    void anAddedConstructorIsNamedByItsType() throws IOException {
        Map<String, String> current = signatures();
        String constructor = current.keySet().stream().filter(s -> s.startsWith("public io.github.veleroirsa.VeleroBackup("))
                .findFirst().orElseThrow();
        assertThat(current.get(constructor)).isEqualTo("VeleroBackup").isEqualTo(name(constructor));
        List<String> listed = current.keySet().stream().filter(s -> !s.equals(constructor)).toList();
        assertThat(unsaid(current, listed, "## [Unreleased]\n")).hasSize(1);
        assertThat(unsaid(current, listed, "## [Unreleased]\n- `VeleroBackup` takes ...\n")).isEmpty();
    }

    /** The signatures that differ between the list and the code and that the changelog does not name. */
    static List<String> unsaid(Map<String, String> current, List<String> listed, String unreleased) {
        List<String> unsaid = new ArrayList<>();
        current.forEach((signature, name) -> {
            if (!listed.contains(signature) && !unreleased.contains("`" + name)) {
                unsaid.add("added or changed `" + name + "`: " + signature);
            }
        });
        for (String signature : listed) {
            if (!current.containsKey(signature) && !unreleased.contains("`" + name(signature))) {
                unsaid.add("removed or changed `" + name(signature) + "`: " + signature);
            }
        }
        return unsaid;
    }

    /** The {@code [Unreleased]} section: from its heading to the next version's. */
    static String unreleased(String changelog) {
        int start = changelog.indexOf("## [Unreleased]");
        assertThat(start).as("CHANGELOG.md has an [Unreleased] section").isNotNegative();
        int end = changelog.indexOf("\n## [", start + 1);
        return changelog.substring(start, end < 0 ? changelog.length() : end);
    }

    /** Every public signature of the construct's package, sorted, with the name a changelog gives it. */
    static Map<String, String> signatures() throws IOException {
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(CLASSES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replace(".class", "");
                try {
                    types.add(Class.forName("io.github.veleroirsa." + name));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (Class<?> type : types) {
            if (!visible(type)) {
                continue;
            }
            String typeName = simpleName(type);
            out.put(typeSignature(type), typeName);
            for (Field f : type.getDeclaredFields()) {
                if (visible(f) && !f.isSynthetic()) {
                    out.put(f.toGenericString(), typeName + "." + f.getName());
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c) && !c.isSynthetic()) {
                    out.put(c.toGenericString(), typeName);
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                    out.put(m.toGenericString(), typeName + "." + m.getName());
                }
            }
        }
        return out;
    }

    /** The changelog name of a listed signature: the type's simple name, and the member's. */
    static String name(String signature) {
        String head = signature.contains("(") ? signature.substring(0, signature.indexOf('(')) : signature;
        if (head.matches(".*\\b(class|interface|enum|record) .*")) {
            head = head.replaceAll(".*\\b(class|interface|enum|record) ", "").split("[ <]")[0];
        }
        String qualified = head.substring(head.lastIndexOf(' ') + 1).substring("io.github.veleroirsa.".length());
        // A type or a constructor has no '.' left (nested types are spelled with '$').
        return qualified.replace('$', '.');
    }

    private static String typeSignature(Class<?> type) {
        StringBuilder s = new StringBuilder(type.toGenericString());
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            s.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        String interfaces = Arrays.stream(type.getGenericInterfaces()).map(java.lang.reflect.Type::getTypeName)
                .collect(Collectors.joining(", "));
        if (!interfaces.isEmpty()) {
            s.append(type.isInterface() ? " extends " : " implements ").append(interfaces);
        }
        return s.toString();
    }

    private static String simpleName(Class<?> type) {
        return type.getName().substring("io.github.veleroirsa.".length()).replace('$', '.');
    }

    private static boolean visible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Member m) {
        return Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
    }
}
