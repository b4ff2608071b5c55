packet p {
    key: public_key_blob;
}
