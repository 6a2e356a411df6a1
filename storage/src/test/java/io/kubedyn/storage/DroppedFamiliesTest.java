package io.kubedyn.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DroppedFamiliesTest {

    @Test
    void aDroppedHandleIsClosedOnlyOnceEveryCallThatBeganBeforeItsDropHasEnded() {
        DroppedFamilies families = new DroppedFamilies();
        AtomicInteger closed = new AtomicInteger();
        int reading = families.enter();
        families.drop(closed::incrementAndGet);

        assertThat(families.reclaim()).as("the grace period begins").isZero();
        int later = families.enter(); // began after the drop: it cannot hold the handle
        assertThat(families.reclaim())
                .as("a call from before the drop is still running")
                .isZero();
        assertThat(closed).hasValue(0);

        families.exit(reading);
        assertThat(families.reclaim()).isEqualTo(1);
        assertThat(closed).as("closed while a later call still runs").hasValue(1);
        families.exit(later);
        assertThat(families.reclaim()).isZero();
        assertThat(closed).hasValue(1);
    }

    @Test
    void handlesDroppedDuringAGracePeriodWaitForTheNextOne() {
        DroppedFamilies families = new DroppedFamilies();
        AtomicInteger closed = new AtomicInteger();
        families.drop(closed::incrementAndGet);
        families.reclaim();
        int call = families.enter();
        families.drop(closed::incrementAndGet);
        assertThat(families.reclaim()).as("the first, whose calls are done").isEqualTo(1);
        assertThat(families.reclaim())
                .as("the second waits for the call it may share")
                .isZero();
        families.exit(call);
        assertThat(families.reclaim()).isEqualTo(1);
        assertThat(closed).hasValue(2);
    }

    @Test
    void closeAllClosesWhatIsStillHeld() {
        DroppedFamilies families = new DroppedFamilies();
        AtomicInteger closed = new AtomicInteger();
        families.drop(closed::incrementAndGet);
        families.reclaim();
        families.drop(closed::incrementAndGet);
        families.closeAll();
        assertThat(closed).hasValue(2);
    }
}
