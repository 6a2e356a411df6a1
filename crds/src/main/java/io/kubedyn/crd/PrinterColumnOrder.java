package io.kubedyn.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step run after CRD generation: fabric8's generator sorts printer columns by JSON path,
 * which would make {@code kubectl get ddbtable} print AGE first; this puts them back in the order
 * they are declared on {@link Table} (TABLE, STATUS, SHARDS, ITEMS, AGE, then the -o wide ones).
 */
public final class PrinterColumnOrder {

    private PrinterColumnOrder() {}

    public static void main(String[] args) throws IOException {
        Path crdFile = Path.of(args[0]);
        String yaml = Files.readString(crdFile, StandardCharsets.UTF_8);
        String header = yaml.lines()
                .takeWhile(line -> line.startsWith("#"))
                .map(line -> line + "\n")
                .reduce("", String::concat);
        KubernetesSerialization serialization = new KubernetesSerialization();
        CustomResourceDefinition crd = serialization.unmarshal(yaml, CustomResourceDefinition.class);
        List<String> declared = Arrays.stream(Table.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            if (version.getAdditionalPrinterColumns() != null) {
                version.getAdditionalPrinterColumns()
                        .sort(Comparator.comparingInt(
                                (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
            }
        }
        // One document, as generated: Helm's fromYaml reads only the first.
        String body = serialization.asYaml(crd).replaceFirst("\\A---\\R", "");
        Files.writeString(crdFile, header + body, StandardCharsets.UTF_8);
    }
}
