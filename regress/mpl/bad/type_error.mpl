packet p {
    method: string32;
    classify (method) {
    |"none":"None" -> ();
    |7:"Seven" -> ();
    };
}
