package io.kubedyn.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceArnsTest {

    @Test
    void arnsNameAnAwsRegionSoToolsThatParseThemAcceptThem() {
        assertThat(ResourceArns.table("Orders")).isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/Orders");
        assertThat(ResourceArns.stream("Orders", "2026-11-30T10:00:00.000"))
                .matches("arn:aws[^:]*:dynamodb:[-a-z0-9]+:[0-9]{12}:table/[^/]+/stream/.+");
    }

    @Test
    void aStreamArnIsReadBackWhateverItsRegion() {
        assertThat(ResourceArns.parseStream(ResourceArns.stream("app.events", "2026-11-30T10:00:00.000")))
                .contains(new ResourceArns.Stream("app.events", "2026-11-30T10:00:00.000"));
        assertThat(ResourceArns.parseStream("arn:aws:dynamodb:kubedyn:000000000000:table/Orders/stream/label"))
                .as("as earlier versions wrote it")
                .contains(new ResourceArns.Stream("Orders", "label"));
        assertThat(ResourceArns.parseStream("arn:aws:dynamodb:us-east-1:000000000000:table/Orders"))
                .isEmpty();
        assertThat(ResourceArns.parseStream("arn:aws:s3:::bucket/stream/label")).isEmpty();
    }
}
