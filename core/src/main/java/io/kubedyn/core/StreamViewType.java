package io.kubedyn.core;

/** What a DynamoDB stream record holds of the item, as StreamSpecification's StreamViewType says. */
public enum StreamViewType {
    /** The key attributes only. */
    KEYS_ONLY,
    /** The item as it is after the change. */
    NEW_IMAGE,
    /** The item as it was before the change. */
    OLD_IMAGE,
    /** Both. */
    NEW_AND_OLD_IMAGES;

    public boolean keepsOldImage() {
        return this == OLD_IMAGE || this == NEW_AND_OLD_IMAGES;
    }

    public boolean keepsNewImage() {
        return this == NEW_IMAGE || this == NEW_AND_OLD_IMAGES;
    }
}
