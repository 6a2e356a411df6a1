package io.kubedyn.operator;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which images a Table's storage pods may run: the operator's default, and those a Table's
 * {@code spec.image} names when they match one of the allowed patterns (the chart's
 * {@code storage.allowedImages}; {@code *} stands for any run of characters). Whoever may create a
 * Table would otherwise choose the code that holds its data and its peers' traffic.
 *
 * @param defaultImage the image of a Table that names none, always allowed
 * @param allowed patterns of the other images a Table may name
 */
public record StorageImages(String defaultImage, List<String> allowed) {

    public StorageImages {
        allowed = List.copyOf(allowed);
    }

    /** The image a Table's pods run, or why the Table may not name it. */
    public String resolve(String specImage) throws TableRefused {
        if (specImage == null || specImage.isBlank() || specImage.equals(defaultImage)) {
            return defaultImage;
        }
        if (allowed.stream().anyMatch(pattern -> matches(pattern, specImage))) {
            return specImage;
        }
        throw new TableRefused(
                TableStatusReport.REASON_IMAGE_NOT_ALLOWED,
                List.of("spec.image "
                        + specImage + " is not an image this operator may run: "
                        + (allowed.isEmpty()
                                ? "it runs only its default, " + defaultImage
                                : "it runs its default, " + defaultImage + ", and images matching " + allowed)
                        + " (the chart's storage.allowedImages); remove spec.image or ask whoever installed"
                        + " kubedyn to allow it"));
    }

    private static boolean matches(String pattern, String image) {
        String regex = java.util.Arrays.stream(pattern.split("\\*", -1))
                .map(Pattern::quote)
                .collect(Collectors.joining(".*"));
        return image.matches(regex);
    }
}
